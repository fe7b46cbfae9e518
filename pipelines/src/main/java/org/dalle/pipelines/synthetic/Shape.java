package org.dalle.pipelines.synthetic;

/**
 * The six shapes of the synthetic dataset with their singular and plural caption words. A cross is
 * an upright plus sign; the outlines themselves are drawn by {@link SceneRenderer}.
 */
public enum Shape {
  CIRCLE("circle", "circles"),
  SQUARE("square", "squares"),
  TRIANGLE("triangle", "triangles"),
  DIAMOND("diamond", "diamonds"),
  STAR("star", "stars"),
  CROSS("cross", "crosses");

  private final String word;
  private final String plural;

  Shape(String word, String plural) {
    this.word = word;
    this.plural = plural;
  }

  /** Singular caption word, e.g. {@code "cross"}. */
  public String word() {
    return word;
  }

  /** Plural caption word, e.g. {@code "crosses"}. */
  public String plural() {
    return plural;
  }

  /** The singular word for a count of one, the plural otherwise. */
  public String noun(int count) {
    return count == 1 ? word : plural;
  }
}

package org.dalle.pipelines.synthetic;

/**
 * The eight colours of the synthetic dataset, each with the one RGB value it is painted in. The
 * values are far apart in RGB (the closest pair, orange and yellow, differ by about 95) so they
 * stay distinguishable after a lossy dVAE round trip, and all are bright against the black {@link
 * SceneRenderer#BACKGROUND}.
 */
public enum Colour {
  RED("red", 0xDC1E1E),
  ORANGE("orange", 0xFF8C00),
  YELLOW("yellow", 0xFFE61E),
  GREEN("green", 0x1EB43C),
  BLUE("blue", 0x285AF0),
  PURPLE("purple", 0x8C32C8),
  PINK("pink", 0xFF82C8),
  WHITE("white", 0xFFFFFF);

  private final String word;
  private final int rgb;

  Colour(String word, int rgb) {
    this.word = word;
    this.rgb = rgb;
  }

  /** The word used in captions and attributes, e.g. {@code "orange"}. */
  public String word() {
    return word;
  }

  /** Packed 0xRRGGBB value the renderer fills the object with. */
  public int rgb() {
    return rgb;
  }
}

package org.dalle.pipelines.synthetic;

import static org.dalle.pipelines.synthetic.SyntheticVocabulary.article;
import static org.dalle.pipelines.synthetic.SyntheticVocabulary.countWord;

import java.util.List;
import java.util.function.Function;

/**
 * Writes the caption of a {@link Scene} from one of several templates per scene kind. Every fact a
 * caption states is true of the scene; which facts a template states is listed in {@link
 * Caption#mentions()} (a subset of {@code count, size, colour, shape, position, relation}), so a
 * checker knows what to verify. Templates, with examples:
 *
 * <pre>
 * single.0   a small red circle in the top left corner          size colour shape position
 * single.1   a red circle, small, at the top left of the image   size colour shape position
 * single.2   there is a small red circle in the top left corner  size colour shape position
 * single.3   a red circle in the top left corner                 colour shape position
 * single.4   a small red circle                                  size colour shape
 * count.0    two blue squares                                    count colour shape
 * count.1    two large blue squares                              count size colour shape
 * count.2    there are two blue squares                          count colour shape
 * count.3    a picture of two large blue squares                 count size colour shape
 * relation.0 a red circle to the left of a green star            colour shape relation
 * relation.1 a small red circle to the left of a large green star size colour shape relation
 * relation.2 there is a red circle to the left of a green star   colour shape relation
 * </pre>
 *
 * <p>Position words name the grid cell of the object's centre; in a count scene the caption states
 * no position, and in a relation scene the relation reads "objects[0] RELATION objects[1]".
 */
public final class CaptionWriter {
  /** A caption, the id of the template that wrote it (e.g. {@code single.3}) and what it states. */
  public record Caption(String text, String template, List<String> mentions) {
    public Caption {
      mentions = List.copyOf(mentions);
    }
  }

  private record Template(List<String> mentions, Function<Scene, String> write) {}

  private static final List<String> SIZE_COLOUR_SHAPE_POSITION =
      List.of("size", "colour", "shape", "position");

  private static final List<Template> SINGLE =
      List.of(
          new Template(
              SIZE_COLOUR_SHAPE_POSITION,
              s -> withArticle(sized(first(s)) + " " + first(s).cell().locative())),
          new Template(
              SIZE_COLOUR_SHAPE_POSITION,
              s ->
                  withArticle(plain(first(s)))
                      + ", "
                      + first(s).size().word()
                      + ", at the "
                      + first(s).cell().word()
                      + " of the image"),
          new Template(
              SIZE_COLOUR_SHAPE_POSITION,
              s -> "there is " + withArticle(sized(first(s)) + " " + first(s).cell().locative())),
          new Template(
              List.of("colour", "shape", "position"),
              s -> withArticle(plain(first(s)) + " " + first(s).cell().locative())),
          new Template(List.of("size", "colour", "shape"), s -> withArticle(sized(first(s)))));

  private static final List<Template> COUNT =
      List.of(
          new Template(
              List.of("count", "colour", "shape"),
              s -> countWord(n(s)) + " " + first(s).colour().word() + " " + noun(s)),
          new Template(
              List.of("count", "size", "colour", "shape"),
              s ->
                  countWord(n(s))
                      + " "
                      + first(s).size().word()
                      + " "
                      + first(s).colour().word()
                      + " "
                      + noun(s)),
          new Template(
              List.of("count", "colour", "shape"),
              s ->
                  (n(s) == 1 ? "there is " : "there are ")
                      + countWord(n(s))
                      + " "
                      + first(s).colour().word()
                      + " "
                      + noun(s)),
          new Template(
              List.of("count", "size", "colour", "shape"),
              s ->
                  "a picture of "
                      + countWord(n(s))
                      + " "
                      + first(s).size().word()
                      + " "
                      + first(s).colour().word()
                      + " "
                      + noun(s)));

  private static final List<Template> RELATION =
      List.of(
          new Template(
              List.of("colour", "shape", "relation"),
              s ->
                  withArticle(plain(first(s)))
                      + " "
                      + phrase(s)
                      + " "
                      + withArticle(plain(second(s)))),
          new Template(
              List.of("size", "colour", "shape", "relation"),
              s ->
                  withArticle(sized(first(s)))
                      + " "
                      + phrase(s)
                      + " "
                      + withArticle(sized(second(s)))),
          new Template(
              List.of("colour", "shape", "relation"),
              s ->
                  "there is "
                      + withArticle(plain(first(s)))
                      + " "
                      + phrase(s)
                      + " "
                      + withArticle(plain(second(s)))));

  /** Number of templates for a kind. */
  public static int templateCount(Scene.Kind kind) {
    return templates(kind).size();
  }

  /**
   * The caption of {@code scene} from template {@code phrasing mod templateCount(kind)}.
   *
   * @param phrasing a non-negative draw, usually {@link SceneSampler#phrasing(long)}
   */
  public Caption write(Scene scene, int phrasing) {
    if (phrasing < 0) {
      throw new IllegalArgumentException("phrasing must be >= 0, got " + phrasing);
    }
    List<Template> templates = templates(scene.kind());
    int index = phrasing % templates.size();
    Template template = templates.get(index);
    return new Caption(
        template.write().apply(scene), scene.kind().word() + "." + index, template.mentions());
  }

  private static List<Template> templates(Scene.Kind kind) {
    return switch (kind) {
      case SINGLE -> SINGLE;
      case COUNT -> COUNT;
      case RELATION -> RELATION;
    };
  }

  private static SceneObject first(Scene s) {
    return s.objects().get(0);
  }

  private static SceneObject second(Scene s) {
    return s.objects().get(1);
  }

  private static int n(Scene s) {
    return s.objects().size();
  }

  private static String noun(Scene s) {
    return first(s).shape().noun(n(s));
  }

  private static String phrase(Scene s) {
    return s.relation().orElseThrow().phrase();
  }

  /** "red circle" */
  private static String plain(SceneObject o) {
    return o.colour().word() + " " + o.shape().word();
  }

  /** "small red circle" */
  private static String sized(SceneObject o) {
    return o.size().word() + " " + plain(o);
  }

  private static String withArticle(String phrase) {
    return article(phrase) + " " + phrase;
  }
}

package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CaptionWriterTest {
  private final CaptionWriter writer = new CaptionWriter();

  private static final SceneObject SMALL_RED_CIRCLE_TOP_LEFT =
      new SceneObject(Colour.RED, Shape.CIRCLE, Size.SMALL, GridPosition.TOP_LEFT, 0.17, 0.16);
  private static final SceneObject LARGE_ORANGE_STAR_RIGHT =
      new SceneObject(Colour.ORANGE, Shape.STAR, Size.LARGE, GridPosition.RIGHT, 0.83, 0.5);

  @Test
  void writesEverySingleTemplate() {
    Scene scene =
        new Scene(
            Scene.Kind.SINGLE,
            SyntheticSplit.TRAIN,
            List.of(SMALL_RED_CIRCLE_TOP_LEFT),
            Optional.empty());
    assertEquals(
        List.of(
            "a small red circle in the top left corner",
            "a red circle, small, at the top left of the image",
            "there is a small red circle in the top left corner",
            "a red circle in the top left corner",
            "a small red circle"),
        allCaptions(scene));
    assertEquals("single.1", writer.write(scene, 6).template());
    assertEquals(List.of("colour", "shape", "position"), writer.write(scene, 3).mentions());
  }

  @Test
  void writesEveryCountTemplateWithPluralsAndAgreement() {
    Scene three = countScene(Shape.CROSS, 3);
    assertEquals(
        List.of(
            "three blue crosses",
            "three large blue crosses",
            "there are three blue crosses",
            "a picture of three large blue crosses"),
        allCaptions(three));
    Scene one = countScene(Shape.CROSS, 1);
    assertEquals("there is one blue cross", writer.write(one, 2).text());
  }

  @Test
  void writesEveryRelationTemplateWithArticles() {
    SceneObject greenSquare =
        new SceneObject(Colour.GREEN, Shape.SQUARE, Size.SMALL, GridPosition.LEFT, 0.16, 0.5);
    Scene scene =
        new Scene(
            Scene.Kind.RELATION,
            SyntheticSplit.TRAIN,
            List.of(LARGE_ORANGE_STAR_RIGHT, greenSquare),
            Optional.of(Relation.RIGHT_OF));
    assertEquals(
        List.of(
            "an orange star to the right of a green square",
            "a large orange star to the right of a small green square",
            "there is an orange star to the right of a green square"),
        allCaptions(scene));
  }

  @Test
  void captionsMentionExactlyTheAttributesTheyClaim() {
    SceneSampler sampler =
        new SceneSampler(
            5,
            SyntheticSplit.TRAIN,
            SceneMix.DEFAULT,
            SyntheticVocabulary.resolveHeldOutPairs(List.of()));
    Set<String> templates = new TreeSet<>();
    for (int i = 0; i < 2000; i++) {
      Scene scene = sampler.sample(i);
      CaptionWriter.Caption caption = writer.write(scene, sampler.phrasing(i));
      templates.add(caption.template());
      assertEquals(
          expectedVocabularyWords(scene, caption.mentions()),
          vocabularyWords(caption.text()),
          "scene " + i + ": " + caption.text() + " claims " + caption.mentions());
    }
    assertEquals(12, templates.size(), "templates used: " + templates);
  }

  private List<String> allCaptions(Scene scene) {
    List<String> texts = new ArrayList<>();
    for (int t = 0; t < CaptionWriter.templateCount(scene.kind()); t++) {
      texts.add(writer.write(scene, t).text());
    }
    return texts;
  }

  private static Scene countScene(Shape shape, int n) {
    List<GridPosition> cells =
        List.of(GridPosition.TOP, GridPosition.CENTRE, GridPosition.BOTTOM, GridPosition.LEFT);
    List<SceneObject> objects = new ArrayList<>();
    for (GridPosition cell : cells.subList(0, n)) {
      objects.add(
          new SceneObject(Colour.BLUE, shape, Size.LARGE, cell, cell.centreX(), cell.centreY()));
    }
    return new Scene(Scene.Kind.COUNT, SyntheticSplit.TRAIN, objects, Optional.empty());
  }

  /** Every vocabulary word a caption should contain, with multiplicity, from the scene alone. */
  private static Map<String, Integer> expectedVocabularyWords(Scene scene, List<String> mentions) {
    Map<String, Integer> words = new TreeMap<>();
    int n = scene.objects().size();
    List<SceneObject> described =
        scene.kind() == Scene.Kind.RELATION ? scene.objects() : scene.objects().subList(0, 1);
    for (SceneObject o : described) {
      if (mentions.contains("size")) {
        add(words, o.size().word());
      }
      add(words, o.colour().word());
      add(words, scene.kind() == Scene.Kind.COUNT ? o.shape().noun(n) : o.shape().word());
    }
    if (mentions.contains("count")) {
      add(words, SyntheticVocabulary.countWord(n));
    }
    if (mentions.contains("position")) {
      add(words, scene.objects().get(0).cell().word());
    }
    if (mentions.contains("relation")) {
      add(words, scene.relation().orElseThrow().word().replace(" of", ""));
    }
    return words;
  }

  /** The vocabulary words found in a caption, with multiplicity. */
  private static Map<String, Integer> vocabularyWords(String caption) {
    Set<String> vocabulary = new HashSet<>();
    for (Colour c : Colour.values()) {
      vocabulary.add(c.word());
    }
    for (Shape s : Shape.values()) {
      vocabulary.add(s.word());
      vocabulary.add(s.plural());
    }
    for (Size s : Size.values()) {
      vocabulary.add(s.word());
    }
    vocabulary.addAll(List.of("one", "two", "three", "four"));
    vocabulary.addAll(List.of("top", "bottom", "left", "right", "centre", "above", "below"));
    Map<String, Integer> words = new TreeMap<>();
    for (String word : caption.split("[^a-z]+")) {
      if (vocabulary.contains(word)) {
        add(words, word);
      }
    }
    return words;
  }

  private static void add(Map<String, Integer> words, String phrase) {
    for (String word : phrase.split(" ")) {
      words.merge(word, 1, Integer::sum);
    }
  }
}

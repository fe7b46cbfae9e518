package org.dalle.pipelines.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every word the synthetic captions are made of, and the held-out (colour, shape) pairs.
 *
 * <p>Vocabulary: 8 {@link Colour colours}, 6 {@link Shape shapes} (with plurals), 2 {@link Size
 * sizes}, 9 {@link GridPosition positions} on a 3x3 grid ({@code "centre"} in the middle), counts
 * one to four and 4 {@link Relation relations}.
 *
 * <p>Held-out pairs never appear in the train split, neither as a rendered object nor in a caption;
 * the heldout split puts at least one in every scene, so a model trained on the train split is
 * tested on colour–shape combinations it has never seen (zero-shot composition, the question of
 * paper section 3.3 asked with a ground truth). The {@link #DEFAULT_HELD_OUT_PAIRS default} holds
 * out one pair per shape, with six different colours, so every colour keeps at least five shapes
 * and every shape seven colours in training.
 */
public final class SyntheticVocabulary {
  /** Number words for the counts a count scene can have, indexed by count. */
  private static final List<String> COUNT_WORDS = List.of("zero", "one", "two", "three", "four");

  /** Largest number of objects in a count scene. */
  public static final int MAX_COUNT = 4;

  /** Held out when the config names none: one per shape, each with a different colour. */
  public static final List<ColourShape> DEFAULT_HELD_OUT_PAIRS =
      List.of(
          new ColourShape(Colour.RED, Shape.TRIANGLE),
          new ColourShape(Colour.ORANGE, Shape.CROSS),
          new ColourShape(Colour.YELLOW, Shape.CIRCLE),
          new ColourShape(Colour.GREEN, Shape.DIAMOND),
          new ColourShape(Colour.BLUE, Shape.STAR),
          new ColourShape(Colour.PURPLE, Shape.SQUARE));

  private SyntheticVocabulary() {}

  public static List<Colour> colours() {
    return List.of(Colour.values());
  }

  public static List<Shape> shapes() {
    return List.of(Shape.values());
  }

  public static List<Size> sizes() {
    return List.of(Size.values());
  }

  public static List<GridPosition> positions() {
    return List.of(GridPosition.values());
  }

  public static List<Relation> relations() {
    return List.of(Relation.values());
  }

  /** All 48 (colour, shape) pairs, colour-major. */
  public static List<ColourShape> allPairs() {
    List<ColourShape> pairs = new ArrayList<>();
    for (Colour colour : Colour.values()) {
      for (Shape shape : Shape.values()) {
        pairs.add(new ColourShape(colour, shape));
      }
    }
    return List.copyOf(pairs);
  }

  /** The word for a count of 1..4, e.g. {@code "three"}. */
  public static String countWord(int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "count must be between 1 and " + MAX_COUNT + ", got " + count);
    }
    return COUNT_WORDS.get(count);
  }

  /** The indefinite article for a following word: "an" before a vowel ("an orange"), else "a". */
  public static String article(String nextWord) {
    return "aeiou".indexOf(Character.toLowerCase(nextWord.charAt(0))) >= 0 ? "an" : "a";
  }

  public static Colour parseColour(String word) {
    return parseWord(word, Colour.values(), Colour::word, "colour");
  }

  public static Shape parseShape(String word) {
    return parseWord(word, Shape.values(), Shape::word, "shape");
  }

  public static Size parseSize(String word) {
    return parseWord(word, Size.values(), Size::word, "size");
  }

  public static GridPosition parsePosition(String word) {
    return parseWord(word, GridPosition.values(), GridPosition::word, "position");
  }

  public static Relation parseRelation(String word) {
    return parseWord(word, Relation.values(), Relation::word, "relation");
  }

  /**
   * Parses {@code "colour shape"}, e.g. {@code "blue star"} (case and surrounding spaces ignored).
   *
   * @throws IllegalArgumentException naming the bad string and the allowed words
   */
  public static ColourShape parsePair(String text) {
    String[] words = text.trim().toLowerCase(Locale.ROOT).split("\\s+");
    if (words.length != 2) {
      throw new IllegalArgumentException(
          "held-out pair '" + text + "' must be two words \"colour shape\", e.g. \"blue star\"");
    }
    try {
      return new ColourShape(parseColour(words[0]), parseShape(words[1]));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("held-out pair '" + text + "': " + e.getMessage(), e);
    }
  }

  /**
   * The held-out pairs a config names, or {@link #DEFAULT_HELD_OUT_PAIRS} when it names none.
   *
   * @throws IllegalArgumentException when a pair does not parse, or when the pairs would leave a
   *     colour or a shape with no partner in training (it could then never be learned, and holding
   *     out its pairs would test nothing about composition)
   */
  public static Set<ColourShape> resolveHeldOutPairs(List<String> configured) {
    if (configured.isEmpty()) {
      return new LinkedHashSet<>(DEFAULT_HELD_OUT_PAIRS);
    }
    Set<ColourShape> heldOut = new LinkedHashSet<>();
    for (String text : configured) {
      heldOut.add(parsePair(text));
    }
    EnumSet<Colour> trainedColours = EnumSet.noneOf(Colour.class);
    EnumSet<Shape> trainedShapes = EnumSet.noneOf(Shape.class);
    for (ColourShape pair : allPairs()) {
      if (!heldOut.contains(pair)) {
        trainedColours.add(pair.colour());
        trainedShapes.add(pair.shape());
      }
    }
    List<String> orphans = new ArrayList<>();
    EnumSet.complementOf(trainedColours).forEach(c -> orphans.add(c.word()));
    EnumSet.complementOf(trainedShapes).forEach(s -> orphans.add(s.word()));
    if (!orphans.isEmpty()) {
      throw new IllegalArgumentException(
          "held-out pairs "
              + heldOut
              + " leave no training pair for "
              + orphans
              + "; every colour and every shape must keep at least one partner in training");
    }
    return heldOut;
  }

  private static <T> T parseWord(String word, T[] values, Function<T, String> wordOf, String what) {
    String wanted = word.trim().toLowerCase(Locale.ROOT);
    for (T value : values) {
      if (wordOf.apply(value).equals(wanted)) {
        return value;
      }
    }
    throw new IllegalArgumentException(
        "unknown "
            + what
            + " '"
            + word
            + "', expected one of "
            + Arrays.stream(values).map(wordOf).collect(Collectors.joining(", ")));
  }
}

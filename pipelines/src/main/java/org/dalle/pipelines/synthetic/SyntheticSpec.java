package org.dalle.pipelines.synthetic;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What a {@code synthetic:} source spec asks for: {@code
 * N[,seed=S][,size=P][,split=train|heldout][,single=W][,count=W][,relation=W]}.
 *
 * @param examples N, how many scenes (indices 0..N-1), at least 1
 * @param seed seed of the scenes; the source config's seed when the spec names none
 * @param imageSize side of the rendered images in pixels, {@value SceneRenderer#MIN_SIZE} to
 *     {@value #MAX_IMAGE_SIZE}, default {@value #DEFAULT_IMAGE_SIZE}
 * @param split {@code train} (default) or {@code heldout}
 * @param mix relative weights of single, count and relation scenes, default {@link
 *     SceneMix#DEFAULT}; a spec that names some weights keeps the default for the others
 */
public record SyntheticSpec(
    long examples, long seed, int imageSize, SyntheticSplit split, SceneMix mix)
    implements Serializable {
  public static final int DEFAULT_IMAGE_SIZE = 64;
  public static final int MAX_IMAGE_SIZE = 1024;
  public static final String FORM =
      "N[,seed=S][,size=P][,split=train|heldout][,single=W][,count=W][,relation=W],"
          + " e.g. synthetic:5000,seed=7,size=64,split=train";

  public SyntheticSpec {
    if (examples < 1) {
      throw new IllegalArgumentException("N must be at least 1, got " + examples);
    }
    if (imageSize < SceneRenderer.MIN_SIZE || imageSize > MAX_IMAGE_SIZE) {
      throw new IllegalArgumentException(
          "size must be between "
              + SceneRenderer.MIN_SIZE
              + " and "
              + MAX_IMAGE_SIZE
              + " pixels, got "
              + imageSize);
    }
  }

  /**
   * Parses the part of a spec after {@code synthetic:}.
   *
   * @param defaultSeed the seed when the spec names none
   * @throws IllegalArgumentException naming the bad part and showing {@link #FORM}
   */
  public static SyntheticSpec parse(String argument, long defaultSeed) {
    String[] parts = argument.split(",", -1);
    String first = parts[0].trim();
    if (first.isEmpty() || first.contains("=")) {
      throw bad(argument, "N is missing: the spec must start with the number of examples");
    }
    long examples = parseLong(argument, "N", first);
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim();
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw bad(argument, "'" + part + "' is not key=value");
      }
      String key = part.substring(0, eq).trim();
      if (options.put(key, part.substring(eq + 1).trim()) != null) {
        throw bad(argument, "key '" + key + "' is given twice");
      }
    }
    long seed = defaultSeed;
    int size = DEFAULT_IMAGE_SIZE;
    SyntheticSplit split = SyntheticSplit.TRAIN;
    double single = SceneMix.DEFAULT.single();
    double count = SceneMix.DEFAULT.count();
    double relation = SceneMix.DEFAULT.relation();
    for (Map.Entry<String, String> option : options.entrySet()) {
      String value = option.getValue();
      switch (option.getKey()) {
        case "seed" -> seed = parseLong(argument, "seed", value);
        case "size" -> size = parseInt(argument, "size", value);
        case "split" -> split = parseSplit(argument, value);
        case "single" -> single = parseWeight(argument, "single", value);
        case "count" -> count = parseWeight(argument, "count", value);
        case "relation" -> relation = parseWeight(argument, "relation", value);
        default -> throw bad(argument, "unknown key '" + option.getKey() + "'");
      }
    }
    try {
      return new SyntheticSpec(examples, seed, size, split, new SceneMix(single, count, relation));
    } catch (IllegalArgumentException e) {
      throw bad(argument, e.getMessage());
    }
  }

  private static long parseLong(String argument, String what, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw bad(argument, what + " must be an integer, got '" + value + "'");
    }
  }

  private static int parseInt(String argument, String what, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw bad(argument, what + " must be an integer, got '" + value + "'");
    }
  }

  private static double parseWeight(String argument, String what, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw bad(argument, "weight " + what + " must be a number, got '" + value + "'");
    }
  }

  private static SyntheticSplit parseSplit(String argument, String value) {
    try {
      return SyntheticSplit.parse(value);
    } catch (IllegalArgumentException e) {
      throw bad(argument, e.getMessage());
    }
  }

  private static IllegalArgumentException bad(String argument, String problem) {
    return new IllegalArgumentException(
        "bad synthetic spec '" + argument + "': " + problem + "; expected " + FORM);
  }
}

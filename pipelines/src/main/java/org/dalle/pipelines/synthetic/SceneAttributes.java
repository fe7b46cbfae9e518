package org.dalle.pipelines.synthetic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ground truth of a synthetic example as the string map stored in {@code
 * RawExample.attributes}, so a checker can verify a generated image against its caption. Keys:
 *
 * <ul>
 *   <li>{@code kind}: {@code single}, {@code count} or {@code relation};
 *   <li>{@code split}: {@code train} or {@code heldout};
 *   <li>{@code count}: number of objects (1 for single, 1–4 for count, 2 for relation scenes);
 *   <li>{@code object.<i>.colour}, {@code object.<i>.shape}, {@code object.<i>.size}: vocabulary
 *       words ({@code red}, {@code star}, {@code small});
 *   <li>{@code object.<i>.position}: grid cell of the centre ({@code top left} … {@code centre} …
 *       {@code bottom right});
 *   <li>{@code object.<i>.x}, {@code object.<i>.y}: the centre as a fraction of the image width and
 *       height, y pointing down, four decimals;
 *   <li>{@code object.<i>.heldout}: {@code true} when the object's (colour, shape) pair is held
 *       out;
 *   <li>{@code relation} (relation scenes only): {@code left of}, {@code right of}, {@code above}
 *       or {@code below}, read "object.0 RELATION object.1";
 *   <li>{@code template}: the caption template, e.g. {@code single.3};
 *   <li>{@code mentions}: comma-separated facts the caption states, from {@code count, size,
 *       colour, shape, position, relation} (see {@link CaptionWriter});
 *   <li>{@code seed}, {@code index}: the scene is scene {@code index} of {@code seed}'s split.
 * </ul>
 */
public final class SceneAttributes {
  private SceneAttributes() {}

  /** The attributes of scene {@code index} of {@code seed}, captioned by {@code caption}. */
  public static Map<String, String> encode(
      Scene scene, CaptionWriter.Caption caption, Set<ColourShape> heldOut, long seed, long index) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("kind", scene.kind().word());
    attributes.put("split", scene.split().word());
    attributes.put("count", Integer.toString(scene.objects().size()));
    for (int i = 0; i < scene.objects().size(); i++) {
      SceneObject o = scene.objects().get(i);
      String prefix = "object." + i + ".";
      attributes.put(prefix + "colour", o.colour().word());
      attributes.put(prefix + "shape", o.shape().word());
      attributes.put(prefix + "size", o.size().word());
      attributes.put(prefix + "position", o.cell().word());
      attributes.put(prefix + "x", String.format(Locale.ROOT, "%.4f", o.x()));
      attributes.put(prefix + "y", String.format(Locale.ROOT, "%.4f", o.y()));
      attributes.put(prefix + "heldout", Boolean.toString(heldOut.contains(o.pair())));
    }
    scene.relation().ifPresent(r -> attributes.put("relation", r.word()));
    attributes.put("template", caption.template());
    attributes.put("mentions", String.join(",", caption.mentions()));
    attributes.put("seed", Long.toString(seed));
    attributes.put("index", Long.toString(index));
    return attributes;
  }

  /**
   * Rebuilds the scene from attributes written by {@link #encode}; extra keys are ignored.
   *
   * @throws IllegalArgumentException naming the key that is missing or holds a bad value
   */
  public static Scene decode(Map<String, String> attributes) {
    Scene.Kind kind = Scene.Kind.parse(required(attributes, "kind"));
    SyntheticSplit split = SyntheticSplit.parse(required(attributes, "split"));
    int count = parseInt(attributes, "count");
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String prefix = "object." + i + ".";
      objects.add(
          new SceneObject(
              SyntheticVocabulary.parseColour(required(attributes, prefix + "colour")),
              SyntheticVocabulary.parseShape(required(attributes, prefix + "shape")),
              SyntheticVocabulary.parseSize(required(attributes, prefix + "size")),
              SyntheticVocabulary.parsePosition(required(attributes, prefix + "position")),
              parseDouble(attributes, prefix + "x"),
              parseDouble(attributes, prefix + "y")));
    }
    Optional<Relation> relation =
        Optional.ofNullable(attributes.get("relation")).map(SyntheticVocabulary::parseRelation);
    return new Scene(kind, split, objects, relation);
  }

  private static String required(Map<String, String> attributes, String key) {
    String value = attributes.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "synthetic attributes lack '" + key + "', got keys " + attributes.keySet());
    }
    return value;
  }

  private static int parseInt(Map<String, String> attributes, String key) {
    String value = required(attributes, key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "attribute '" + key + "' must be an integer, got '" + value + "'", e);
    }
  }

  private static double parseDouble(Map<String, String> attributes, String key) {
    String value = required(attributes, key);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "attribute '" + key + "' must be a number, got '" + value + "'", e);
    }
  }
}

package org.dalle.evaluation.compositional;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.dalle.pipelines.captions.CaptionFile;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;

/**
 * What a synthetic caption asks for: the scene it was written from, the facts its template states
 * ({@code mentions}, see {@link CaptionWriter}) and which of its objects are held-out (colour,
 * shape) pairs, read from the ground-truth attributes that {@link SceneAttributes} wrote.
 *
 * @param id the caption's record id; generated images are filed under it
 * @param caption the caption text, for reports
 * @param scene the scene the caption describes
 * @param mentions the facts the caption states, from {@code count, size, colour, shape, position,
 *     relation}
 * @param heldOut the caption's objects whose (colour, shape) pair training never saw
 */
public record CaptionFacts(
    String id, String caption, Scene scene, Set<String> mentions, List<ColourShape> heldOut) {

  private static final Set<String> KNOWN_MENTIONS =
      Set.of("count", "size", "colour", "shape", "position", "relation");

  public CaptionFacts {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(caption, "caption");
    Objects.requireNonNull(scene, "scene");
    mentions = Set.copyOf(mentions);
    heldOut = List.copyOf(heldOut);
    for (String m : mentions) {
      if (!KNOWN_MENTIONS.contains(m)) {
        throw new IllegalArgumentException(
            "caption '"
                + id
                + "' mentions unknown fact '"
                + m
                + "', expected one of "
                + KNOWN_MENTIONS);
      }
    }
  }

  /**
   * The caption facts of a caption file ({@link CaptionFile}): a {@code .jsonl} file whose lines
   * carry {@code "attributes"}, or {@code CaptionedImage} records of the synthetic source (a {@code
   * .avro} file or a directory of them, such as a prepared {@code data/images/}), in file order.
   *
   * @throws IllegalArgumentException naming the file (and line) of a caption without usable
   *     synthetic attributes, or a path that is none of these forms
   */
  public static List<CaptionFacts> read(Path path) throws IOException {
    List<CaptionFacts> facts = new ArrayList<>();
    for (CaptionFile.Entry entry : CaptionFile.read(path)) {
      Map<String, String> attributes = entry.strings("attributes");
      try {
        facts.add(fromAttributes(entry.id(), entry.caption(), attributes));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(entry.where() + ": " + e.getMessage(), e);
      }
    }
    return facts;
  }

  /**
   * Reads a caption's facts from its attributes map.
   *
   * @throws IllegalArgumentException naming the caption and the missing or bad attribute, e.g. for
   *     a record that is not from the synthetic source
   */
  public static CaptionFacts fromAttributes(
      String id, String caption, Map<String, String> attributes) {
    try {
      Scene scene = SceneAttributes.decode(attributes);
      String mentions = attributes.get("mentions");
      if (mentions == null || mentions.isBlank()) {
        throw new IllegalArgumentException(
            "synthetic attributes lack 'mentions', got keys " + attributes.keySet());
      }
      List<ColourShape> heldOut =
          IntStream.range(0, scene.objects().size())
              .filter(i -> isHeldOut(attributes, i))
              .mapToObj(i -> scene.objects().get(i).pair())
              .distinct()
              .toList();
      return new CaptionFacts(
          id, caption, scene, new LinkedHashSet<>(List.of(mentions.split(","))), heldOut);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "caption '" + id + "' has no usable synthetic attributes: " + e.getMessage(), e);
    }
  }

  /** Whether the caption states this fact. */
  public boolean mentions(String fact) {
    return mentions.contains(fact);
  }

  private static boolean isHeldOut(Map<String, String> attributes, int index) {
    String key = "object." + index + ".heldout";
    String value = attributes.get(key);
    if (!"true".equals(value) && !"false".equals(value)) {
      throw new IllegalArgumentException(
          "attribute '" + key + "' must be true or false, got '" + value + "'");
    }
    return Boolean.parseBoolean(value);
  }
}

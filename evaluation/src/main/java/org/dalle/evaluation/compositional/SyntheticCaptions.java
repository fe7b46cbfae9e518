package org.dalle.evaluation.compositional;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneSampler;
import org.dalle.pipelines.synthetic.SyntheticSplit;

/**
 * Evaluation captions for the synthetic dataset, with the facts the compositional benchmark checks
 * ({@code {"id", "caption", "attributes"}} per line, as {@link CaptionFacts#read} reads them):
 *
 * <ul>
 *   <li>{@code heldout-NNN}: scenes of the held-out split, each holding a (colour, shape) pair that
 *       training never showed (zero-shot composition);
 *   <li>{@code unseen-NNN}: new scenes of the training split, drawn from indices at or above {@code
 *       firstIndex} so that they are not the scenes a prepare run of fewer images generated (their
 *       captions may still repeat a training caption word for word: the vocabulary is small).
 * </ul>
 *
 * Scenes are pure functions of (seed, split, index) ({@link SceneSampler}), so the same arguments
 * give the same file on any machine.
 */
public final class SyntheticCaptions {
  /** First scene index of the unseen training-split scenes: above any quickstart-sized dataset. */
  public static final long DEFAULT_FIRST_UNSEEN_INDEX = 1_000_000L;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One caption line: its id, text and scene attributes ({@link SceneAttributes}). */
  public record Line(String id, String caption, Map<String, String> attributes) {
    public Line {
      attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
  }

  private SyntheticCaptions() {}

  /** Scenes 0 … count−1 of the held-out split of {@code seed}. */
  public static List<Line> heldOut(long seed, Set<ColourShape> heldOutPairs, int count) {
    return lines("heldout", seed, SyntheticSplit.HELDOUT, heldOutPairs, 0, count);
  }

  /** Scenes firstIndex … firstIndex+count−1 of the training split of {@code seed}. */
  public static List<Line> unseenTrainScenes(
      long seed, Set<ColourShape> heldOutPairs, long firstIndex, int count) {
    if (firstIndex < 0) {
      throw new IllegalArgumentException("first scene index must be ≥ 0, got " + firstIndex);
    }
    return lines("unseen", seed, SyntheticSplit.TRAIN, heldOutPairs, firstIndex, count);
  }

  private static List<Line> lines(
      String prefix,
      long seed,
      SyntheticSplit split,
      Set<ColourShape> heldOutPairs,
      long firstIndex,
      int count) {
    if (count < 0) {
      throw new IllegalArgumentException("caption count must be ≥ 0, got " + count);
    }
    SceneSampler sampler = new SceneSampler(seed, split, SceneMix.DEFAULT, heldOutPairs);
    CaptionWriter writer = new CaptionWriter();
    List<Line> lines = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long index = firstIndex + i;
      Scene scene = sampler.sample(index);
      CaptionWriter.Caption caption = writer.write(scene, sampler.phrasing(index));
      lines.add(
          new Line(
              String.format("%s-%03d", prefix, i),
              caption.text(),
              SceneAttributes.encode(scene, caption, heldOutPairs, seed, index)));
    }
    return lines;
  }

  /** The lines as JSONL, one {@code {"id", "caption", "attributes"}} object per line. */
  public static String toJsonl(List<Line> lines) throws IOException {
    StringBuilder jsonl = new StringBuilder();
    for (Line line : lines) {
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("id", line.id());
      object.put("caption", line.caption());
      object.put("attributes", line.attributes());
      jsonl.append(JSON.writeValueAsString(object)).append('\n');
    }
    return jsonl.toString();
  }

  /** Writes the lines to {@code out} through a temporary file renamed into place. */
  public static void write(List<Line> lines, Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + out.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, toJsonl(lines), StandardCharsets.UTF_8);
      Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

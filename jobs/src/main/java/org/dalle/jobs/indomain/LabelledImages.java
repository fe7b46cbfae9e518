package org.dalle.jobs.indomain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.evaluation.indomain.EvaluatorNetwork;
import org.dalle.evaluation.indomain.SceneLabels;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synthetic images with their evaluator targets, held in memory as network inputs ({@link
 * EvaluatorNetwork#input}: (3, S, S) in [0, 1]). The prepare output is divided three ways:
 *
 * <ul>
 *   <li>{@code train}: records of the synthetic {@code train} split outside the validation share;
 *       the only images the evaluator learns from;
 *   <li>{@code validation}: records of the {@code train} split whose id hashes below {@code
 *       validation_fraction} (SHA-256 of the id, so the choice depends on the data alone): the
 *       held-out accuracy and the real-vs-real FID baseline;
 *   <li>{@code heldout}: records of the synthetic {@code heldout} split, whose scenes contain the
 *       (colour, shape) pairs training never shows: accuracy there measures whether the factored
 *       heads recognise unseen combinations. Often empty (the quickstart prepares the train split
 *       only).
 * </ul>
 *
 * Records are ordered by id, so the same data always gives the same indices whatever the shards.
 */
public final class LabelledImages {
  private static final Logger LOG = LoggerFactory.getLogger(LabelledImages.class);

  /** The three parts of the data. */
  public record Splits(LabelledImages train, LabelledImages validation, LabelledImages heldout) {}

  private final List<String> ids;
  private final float[] inputs;
  private final float[] targets;
  private final List<Set<Integer>> scoreTargets;
  private final int inputFloats;
  private final int classes;

  private LabelledImages(
      List<String> ids,
      float[] inputs,
      float[] targets,
      List<Set<Integer>> scoreTargets,
      int side,
      int classes) {
    this.ids = List.copyOf(ids);
    this.inputs = inputs;
    this.targets = targets;
    this.scoreTargets = List.copyOf(scoreTargets);
    this.inputFloats = 3 * side * side;
    this.classes = classes;
  }

  /**
   * Reads and divides the prepared data of a {@code train-evaluator} run, checks that its parts are
   * large enough to train and validate on, and says how large they are.
   *
   * @throws IllegalArgumentException naming the data and the setting to change when they are not
   */
  static Splits forTraining(TrainEvaluatorConfig config, SceneLabels labels) throws IOException {
    Splits splits =
        load(
            PreparedData.open(config.data()),
            labels,
            config.model().imageSize(),
            config.validationFraction());
    int batchSize = config.training().batchSize();
    if (splits.train().count() < batchSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s has %d training images (of the synthetic train split, after the validation"
                  + " share); expected at least batch_size (%d)",
              config.data(), splits.train().count(), batchSize));
    }
    if (splits.validation().count() < 2) {
      throw new IllegalArgumentException(
          String.format(
              "validation_fraction %s of %s leaves %d validation images; expected at least 2:"
                  + " raise it or prepare more images",
              config.validationFraction(), config.data(), splits.validation().count()));
    }
    LOG.info(
        String.format(
            "train-evaluator: %d training, %d validation and %d heldout-split images",
            splits.train().count(), splits.validation().count(), splits.heldout().count()));
    return splits;
  }

  /**
   * Reads every {@code CaptionedImage} of a prepare output and divides it.
   *
   * @param side the network's input side; images of another size are resized bilinearly
   * @throws IllegalArgumentException when there are no images, or a record lacks the synthetic
   *     attributes (the message says the evaluator needs the synthetic dataset)
   */
  public static Splits load(
      PreparedData data, SceneLabels labels, int side, double validationFraction)
      throws IOException {
    Map<String, Builder> parts = new HashMap<>();
    for (String part : List.of("train", "validation", "heldout")) {
      parts.put(part, new Builder(labels, side));
    }
    for (CaptionedImage record : data.records()) {
      Map<String, String> attributes = new HashMap<>();
      record.getAttributes().forEach((k, v) -> attributes.put(k.toString(), v.toString()));
      String id = record.getId();
      String split = attributes.get("split");
      if (split == null) {
        throw new IllegalArgumentException(
            "record "
                + id
                + " (source "
                + record.getSource()
                + ") has no attribute 'split': the evaluator needs the synthetic dataset's"
                + " ground-truth attributes; prepare the data with --input synthetic:N");
      }
      String part =
          switch (split) {
            case "train" -> isValidation(id, validationFraction) ? "validation" : "train";
            case "heldout" -> "heldout";
            default ->
                throw new IllegalArgumentException(
                    "record " + id + " has split '" + split + "'; expected train or heldout");
          };
      parts.get(part).add(id, record, attributes);
    }
    return new Splits(
        parts.get("train").build(), parts.get("validation").build(), parts.get("heldout").build());
  }

  /** Whether a {@code train}-split record with this id belongs to the validation share. */
  static boolean isValidation(String id, double fraction) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(digest).getLong() >>> 11; // 53 uniform bits
      return bits * 0x1.0p-53 < fraction;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  public int count() {
    return ids.size();
  }

  public String id(int index) {
    return ids.get(index);
  }

  /** Floats per input: 3·S². */
  public int inputFloats() {
    return inputFloats;
  }

  /** All inputs, one after the other (the array itself, not a copy). */
  public float[] inputs() {
    return inputs;
  }

  /** Copies input {@code index} into {@code target} at {@code offset}. */
  public void copyInput(int index, float[] target, int offset) {
    System.arraycopy(inputs, index * inputFloats, target, offset, inputFloats);
  }

  /** The targets of image {@code index} ({@link SceneLabels#targets}), a copy. */
  public float[] targets(int index) {
    float[] out = new float[classes];
    System.arraycopy(targets, index * classes, out, 0, classes);
    return out;
  }

  /** Copies the targets of image {@code index} into {@code target} at {@code offset}. */
  public void copyTargets(int index, float[] target, int offset) {
    System.arraycopy(targets, index * classes, target, offset, classes);
  }

  /** The score classes of image {@code index} ({@link SceneLabels#scoreTargets}). */
  public Set<Integer> scoreTargets(int index) {
    return scoreTargets.get(index);
  }

  /** Collects one part's records. */
  private static final class Builder {
    private final SceneLabels labels;
    private final int side;
    private final List<String> ids = new ArrayList<>();
    private final List<float[]> inputs = new ArrayList<>();
    private final List<float[]> targets = new ArrayList<>();
    private final List<Set<Integer>> scoreTargets = new ArrayList<>();

    Builder(SceneLabels labels, int side) {
      this.labels = labels;
      this.side = side;
    }

    void add(String id, CaptionedImage record, Map<String, String> attributes) {
      targets.add(labels.targets(attributes, id));
      scoreTargets.add(labels.scoreTargets(attributes, id));
      ByteBuffer buffer = record.getImagePng();
      byte[] png = new byte[buffer.remaining()];
      buffer.duplicate().get(png);
      inputs.add(EvaluatorNetwork.input(PngCodec.decode(png), side));
      ids.add(id);
    }

    LabelledImages build() {
      int floats = 3 * side * side;
      if ((long) ids.size() * floats > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            ids.size() + " images of " + side + "x" + side + " do not fit in one in-memory array");
      }
      float[] allInputs = new float[ids.size() * floats];
      float[] allTargets = new float[ids.size() * labels.classes()];
      for (int i = 0; i < ids.size(); i++) {
        System.arraycopy(inputs.get(i), 0, allInputs, i * floats, floats);
        System.arraycopy(targets.get(i), 0, allTargets, i * labels.classes(), labels.classes());
      }
      return new LabelledImages(ids, allInputs, allTargets, scoreTargets, side, labels.classes());
    }
  }
}

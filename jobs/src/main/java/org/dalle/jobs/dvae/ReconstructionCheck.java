package org.dalle.jobs.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dalle.evaluation.compositional.CompositionalScorer;
import org.dalle.evaluation.compositional.CompositionalScorer.ObjectMatch;
import org.dalle.evaluation.compositional.DetectedScene;
import org.dalle.evaluation.compositional.SceneChecker;
import org.dalle.jobs.train.MetricsLog;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.pipelines.synthetic.Scene;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconstruction check of {@code dalle train-dvae}: does the dVAE keep colour and shape? Images
 * of known scenes go through the dVAE (argmax codes, decoded) a batch at a time, and the
 * compositional {@link SceneChecker} reads both the originals and the reconstructions. An image is
 * right when {@link CompositionalScorer#matchesEveryObject} holds for colour and shape: the checker
 * finds exactly the scene's objects, matched one-to-one. The originals' share measures the checker
 * itself, so the figure that matters is the ratio of the two shares ({@link
 * ReconstructionCheckResult}). Codebook usage and perplexity are taken over the codes of every
 * checked image, the MSE over every sub-pixel.
 *
 * <p>Plain Java around a {@link Reconstructor}, so a test can pass an identity or a
 * colour-destroying function instead of a trained model.
 */
public final class ReconstructionCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ReconstructionCheck.class);

  /** How many of the first images the {@link Outcome} keeps for the figure. */
  public static final int SHOWN = 16;

  /** Images to codes and back, one batch at a time: what the check needs of a dVAE. */
  @FunctionalInterface
  public interface Reconstructor {
    /**
     * @param images {@code (count, 3, size, size)} channel-major, in [0, 1]
     * @return the batch's codes and reconstructions
     */
    Reconstruction reconstruct(float[] images, int count, int size);

    /**
     * The dVAE's argmax codes ({@link DiscreteVae#encode}) decoded, with the model's current
     * weights; each batch's arrays live in a sub-manager of {@code base} that is closed after the
     * batch.
     */
    static Reconstructor of(DiscreteVae model, NDManager base) {
      return (images, count, size) -> {
        try (NDManager scope = base.newSubManager()) {
          NDArray batch = scope.create(images, new Shape(count, 3, size, size));
          NDArray codes = model.encode(batch); // (B, G, G)
          NDArray decoded = model.decode(codes); // (B, 3, S, S)
          return new Reconstruction(codes.toIntArray(), decoded.toFloatArray());
        }
      };
    }
  }

  /**
   * One batch through a dVAE.
   *
   * @param codes the argmax codes of every grid position, {@code (B, G, G)}
   * @param pixels the decoded images, {@code (B, 3, S, S)}
   */
  public record Reconstruction(int[] codes, float[] pixels) {}

  /**
   * One of the first {@link #SHOWN} images, for the figure.
   *
   * @param original the image the dVAE was given
   * @param reconstruction what it made of it, clamped and rounded to 8 bits
   * @param right whether every object of the reconstruction has its colour and shape
   */
  public record Shown(BufferedImage original, BufferedImage reconstruction, boolean right) {}

  /** The figures and the first images. */
  public record Outcome(ReconstructionCheckResult result, List<Shown> shown) {
    public Outcome {
      shown = List.copyOf(shown);
    }
  }

  private final Reconstructor reconstructor;
  private final int batchSize;
  private final int vocabSize;
  private final SceneChecker checker = new SceneChecker();

  /**
   * @param batchSize images per call of {@code reconstructor}
   * @param vocabSize the codebook size; every code must be below it
   */
  public ReconstructionCheck(Reconstructor reconstructor, int batchSize, int vocabSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (vocabSize < 1) {
      throw new IllegalArgumentException("vocab size must be at least 1, got " + vocabSize);
    }
    this.reconstructor = reconstructor;
    this.batchSize = batchSize;
    this.vocabSize = vocabSize;
  }

  /**
   * Runs the check at the end of a training run with the model's current (EMA) weights, and writes
   * its file, figure and {@code check_*} metrics line into the run directory.
   *
   * @return the check's figures; empty when the run's data has no held-out-split scenes to check
   */
  static Optional<ReconstructionCheckResult> atEndOfRun(
      TrainDvaeConfig config,
      DiscreteVae model,
      NDManager base,
      DvaeData data,
      long step,
      RunDirectory run)
      throws IOException {
    if (data.checkScenes().scenes().isEmpty()) {
      return Optional.empty();
    }
    HeldOutScenes scenes = data.checkScenes().scenes().get();
    int preparedSize = data.preparedSize();
    int count = config.reconstructionCheckImages();
    LOG.info(
        String.format(
            "train-dvae: reconstruction check on %d held-out-split scenes (EMA weights)", count));
    HeldOutScenes.Rendered images = scenes.render(count, preparedSize, config.model().imageSize());
    Outcome outcome =
        new ReconstructionCheck(
                Reconstructor.of(model, base),
                config.training().batchSize(),
                config.model().vocabSize())
            .run(images.images(), images.scenes());
    ReconstructionCheckResult result = outcome.result();
    result.write(run.file(ReconstructionCheckResult.FILE), step, scenes);
    ReconstructionCheckFigure.write(run.file(ReconstructionCheckResult.FIGURE), outcome.shown());
    try (MetricsLog metrics = MetricsLog.open(run.metrics(), step)) {
      metrics.log(step, result.metrics());
    }
    return Optional.of(result);
  }

  /**
   * Checks every image against its scene.
   *
   * @param images the originals, their centre windows the dVAE's input
   * @param scenes what each image shows, in the same order
   */
  public Outcome run(TrainingImages images, List<Scene> scenes) {
    int n = images.count();
    if (scenes.size() != n) {
      throw new IllegalArgumentException(
          scenes.size() + " scenes for " + n + " images; expected one each");
    }
    int size = images.crop();
    int floats = images.imageFloats();
    float[] originals = images.centreCrops();
    List<int[]> codes = new ArrayList<>();
    int codeCount = 0;
    double squaredError = 0;
    int originalsRight = 0;
    int right = 0;
    int colourRight = 0;
    int shapeRight = 0;
    List<Shown> shown = new ArrayList<>();
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      float[] batch = new float[b * floats];
      System.arraycopy(originals, from * floats, batch, 0, batch.length);
      Reconstruction out = reconstructor.reconstruct(batch, b, size);
      if (out.pixels().length != batch.length) {
        throw new IllegalStateException(
            "the dVAE returned " + out.pixels().length + " floats for " + batch.length);
      }
      codes.add(out.codes());
      codeCount += out.codes().length;
      for (int i = 0; i < batch.length; i++) {
        double difference = out.pixels()[i] - batch[i];
        squaredError += difference * difference;
      }
      List<BufferedImage> before = ReconstructionFigure.images(batch, b, size);
      List<BufferedImage> after = ReconstructionFigure.images(out.pixels(), b, size);
      for (int i = 0; i < b; i++) {
        Scene scene = scenes.get(from + i);
        DetectedScene original = checker.check(before.get(i));
        DetectedScene reconstruction = checker.check(after.get(i));
        originalsRight += matches(scene, original, ObjectMatch.COLOUR_AND_SHAPE) ? 1 : 0;
        boolean everyObject = matches(scene, reconstruction, ObjectMatch.COLOUR_AND_SHAPE);
        right += everyObject ? 1 : 0;
        colourRight += matches(scene, reconstruction, ObjectMatch.COLOUR) ? 1 : 0;
        shapeRight += matches(scene, reconstruction, ObjectMatch.SHAPE) ? 1 : 0;
        if (shown.size() < SHOWN) {
          shown.add(new Shown(before.get(i), after.get(i), everyObject));
        }
      }
    }
    int[] all = new int[codeCount];
    int at = 0;
    for (int[] part : codes) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    CodebookStats codebook = CodebookStats.of(all, vocabSize);
    double originalShare = originalsRight / (double) n;
    double share = right / (double) n;
    return new Outcome(
        new ReconstructionCheckResult(
            n,
            originalShare,
            share,
            colourRight / (double) n,
            shapeRight / (double) n,
            codebook.usage(),
            vocabSize,
            codebook.perplexity(),
            squaredError / ((double) n * floats)),
        shown);
  }

  private static boolean matches(Scene scene, DetectedScene found, ObjectMatch match) {
    return CompositionalScorer.matchesEveryObject(scene, found, match);
  }
}

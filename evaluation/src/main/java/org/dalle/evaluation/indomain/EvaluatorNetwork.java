package org.dalle.evaluation.indomain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.dalle.evaluation.features.BilinearResize;
import org.dalle.evaluation.features.FeatureNetwork;
import org.dalle.evaluation.metrics.FeatureMatrix;

/**
 * The in-domain evaluator as a {@link FeatureNetwork}: features are the {@link SceneClassifier}'s
 * penultimate layer, logits the joint log-probabilities of its score heads ({@link
 * SceneLabels#scoreLogits}, (colour, shape) by default), so the Inception Score counts how evenly
 * and how confidently the images cover the scene classes.
 *
 * <p>Images are resized bilinearly to the network's input side when they differ and scaled to [0,
 * 1] ({@link #input}). Training uses the same function, so the network sees generated images
 * exactly as it saw its training images.
 */
public final class EvaluatorNetwork implements FeatureNetwork {

  /** Images per forward pass; bounds native memory whatever the number of images. */
  public static final int BATCH = 256;

  /**
   * The network's raw outputs for a batch.
   *
   * @param features the penultimate layer, one row per image
   * @param headLogits every head's logits side by side ({@link SceneLabels#classes()} columns)
   */
  public record Activations(FeatureMatrix features, FeatureMatrix headLogits) {}

  private final SceneClassifier model;
  private final SceneLabels labels;
  private final NDManager manager;
  private final boolean ownsManager;
  private final String description;

  private EvaluatorNetwork(
      SceneClassifier model,
      SceneLabels labels,
      NDManager manager,
      boolean ownsManager,
      String description) {
    if (model.classes() != labels.classes()) {
      throw new IllegalArgumentException(
          "the model has " + model.classes() + " logits but the labels " + labels.classes());
    }
    this.model = model;
    this.labels = labels;
    this.manager = manager;
    this.ownsManager = ownsManager;
    this.description = description;
  }

  /**
   * Loads the export of {@code dalle train-evaluator} ({@link EvaluatorExport}).
   *
   * @param dir the export directory, {@code <run>/export}
   * @throws NoSuchFileException when {@code dir} is not a directory
   * @throws IOException naming the file when the export is incomplete or inconsistent
   */
  public static EvaluatorNetwork load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null, "no evaluator export (run `dalle train-evaluator`)");
    }
    EvaluatorExport.Description description = EvaluatorExport.readDescription(dir);
    NDManager manager = Engine.getInstance().newBaseManager();
    try {
      SceneClassifier model = EvaluatorExport.readModel(dir, description, manager);
      return new EvaluatorNetwork(model, description.labels(), manager, true, "evaluator:" + dir);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A view of a model being trained: {@link #close()} leaves the model and its arrays alone, and
   * each forward pass works in a sub-manager of {@code manager}.
   */
  public static EvaluatorNetwork wrap(
      SceneClassifier model, SceneLabels labels, NDManager manager) {
    return new EvaluatorNetwork(model, labels, manager, false, "evaluator:in-memory");
  }

  /**
   * The network's input for one image: RGB scaled to [0, 1], resized bilinearly to {@code side ×
   * side} when it differs ({@link BilinearResize}, as PyTorch's {@code F.interpolate}),
   * channel-major (3, side, side). Unlike Inception's [−1, 1], the black background stays at 0, so
   * convolutions with zero biases see nothing there and only the objects drive the network: on 300
   * images a [−1, 1] input left the colour head near chance after 300 updates, [0, 1] reached
   * 70–90%.
   */
  public static float[] input(BufferedImage image, int side) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] rgb = image.getRGB(0, 0, width, height, null, 0, width);
    float[] input = new float[3 * side * side];
    for (int channel = 0; channel < 3; channel++) {
      int shift = 16 - 8 * channel;
      float[] plane = new float[rgb.length];
      for (int i = 0; i < rgb.length; i++) {
        plane[i] = ((rgb[i] >> shift) & 0xff) / 255f;
      }
      float[] resized =
          width == side && height == side
              ? plane
              : BilinearResize.plane(plane, height, width, side, side);
      System.arraycopy(resized, 0, input, channel * side * side, side * side);
    }
    return input;
  }

  public SceneLabels labels() {
    return labels;
  }

  public EvaluatorConfig config() {
    return model.config();
  }

  /** Side images are resized to. */
  public int inputSize() {
    return model.config().imageSize();
  }

  @Override
  public Outputs forward(List<BufferedImage> images) {
    int n = images.size();
    int side = inputSize();
    int floats = 3 * side * side;
    float[] inputs = new float[n * floats];
    for (int i = 0; i < n; i++) {
      System.arraycopy(input(images.get(i), side), 0, inputs, i * floats, floats);
    }
    Activations activations = activations(inputs, n);
    double[] scores = labels.scoreLogits(activations.headLogits().values(), n);
    return new Outputs(activations.features(), new FeatureMatrix(n, labels.scoreClasses(), scores));
  }

  /**
   * Features and head logits of {@code n} prepared inputs ({@link #input}), in batches of {@value
   * #BATCH}, each in its own sub-manager.
   */
  public Activations activations(float[] inputs, int n) {
    int side = inputSize();
    int floats = 3 * side * side;
    if (inputs.length != (long) n * floats) {
      throw new IllegalArgumentException(
          inputs.length + " floats are not " + n + " inputs of 3x" + side + "x" + side);
    }
    int d = model.config().featureSize();
    int k = labels.classes();
    double[] features = new double[n * d];
    double[] logits = new double[n * k];
    for (int from = 0; from < n; from += BATCH) {
      int b = Math.min(BATCH, n - from);
      float[] batch = new float[b * floats];
      System.arraycopy(inputs, from * floats, batch, 0, batch.length);
      try (NDManager step = manager.newSubManager()) {
        NDArray x = step.create(batch, new Shape(b, 3, side, side)); // (b, 3, S, S)
        NDList out = model.forward(new ParameterStore(step, false), new NDList(x), false);
        widen(out.get(0), features, from * d); // (b, D)
        widen(out.get(1), logits, from * k); // (b, K)
      }
    }
    return new Activations(new FeatureMatrix(n, d, features), new FeatureMatrix(n, k, logits));
  }

  private static void widen(NDArray array, double[] target, int offset) {
    float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      target[offset + i] = values[i];
    }
  }

  @Override
  public boolean hasLogits() {
    return true;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    if (ownsManager) {
      manager.close();
    }
  }
}

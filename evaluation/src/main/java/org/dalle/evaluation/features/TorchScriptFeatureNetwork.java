package org.dalle.evaluation.features;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.dalle.evaluation.metrics.FeatureMatrix;

/**
 * A feature network loaded from a TorchScript file (DJL, PyTorch engine), such as the FID
 * Inception-v3 ({@code pt_inception-2015-12-05}) exported as docs/evaluation.md describes: it takes
 * a batch (N, 3, size, size) of images in [−1, 1] ({@link InceptionPreprocessing}) and returns one
 * feature vector per image, (N, D) or (N, D, 1, 1) — for Inception-v3 the 2048-d pool features. A
 * module that returns a pair (features, logits) also gives class logits for the Inception Score.
 */
public final class TorchScriptFeatureNetwork implements FeatureNetwork {
  private final Model model;
  private final Path file;
  private final int inputSize;
  private final boolean hasLogits;

  private TorchScriptFeatureNetwork(Model model, Path file, int inputSize) {
    this.model = model;
    this.file = file;
    this.inputSize = inputSize;
    this.hasLogits = run(List.of(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB))).size() == 2;
  }

  /**
   * @param file a TorchScript file ({@code torch.jit.save})
   * @param inputSize the side images are resized to, 299 for Inception-v3
   * @throws NoSuchFileException when the file does not exist
   * @throws IllegalArgumentException when it is not a TorchScript model
   */
  public static TorchScriptFeatureNetwork load(Path file, int inputSize) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(
          file.toString(),
          null,
          "no TorchScript feature network (docs/evaluation.md explains how to export one)");
    }
    if (inputSize < 1) {
      throw new IllegalArgumentException("input size must be at least 1 but was " + inputSize);
    }
    Model model = Model.newInstance("features", Device.cpu(), "PyTorch");
    try {
      model.load(file.toAbsolutePath());
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          file + " could not be loaded as a TorchScript model: " + e.getMessage(), e);
    }
    try {
      return new TorchScriptFeatureNetwork(model, file, inputSize);
    } catch (RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          file
              + " could not run on a (1, 3, "
              + inputSize
              + ", "
              + inputSize
              + ") batch: "
              + e.getMessage(),
          e);
    }
  }

  public int inputSize() {
    return inputSize;
  }

  /** Features of the images, one row each, in the order given. */
  public FeatureMatrix features(List<BufferedImage> images) {
    return forward(images).features();
  }

  @Override
  public Outputs forward(List<BufferedImage> images) {
    List<FeatureMatrix> outputs = run(images);
    return new Outputs(outputs.get(0), outputs.size() == 2 ? outputs.get(1) : null);
  }

  @Override
  public boolean hasLogits() {
    return hasLogits;
  }

  @Override
  public String describe() {
    return "torchscript:" + file;
  }

  /** The module's outputs as matrices: features, then logits when it returns a pair. */
  private List<FeatureMatrix> run(List<BufferedImage> images) {
    int n = images.size();
    int pixels = 3 * inputSize * inputSize;
    float[] batch = new float[n * pixels];
    for (int i = 0; i < n; i++) {
      System.arraycopy(
          InceptionPreprocessing.toInput(images.get(i), inputSize), 0, batch, i * pixels, pixels);
    }
    try (NDManager step = model.getNDManager().newSubManager()) {
      NDArray input = step.create(batch, new Shape(n, 3, inputSize, inputSize)); // (N, 3, S, S)
      NDList output =
          model.getBlock().forward(new ParameterStore(step, false), new NDList(input), false);
      if (output.isEmpty() || output.size() > 2) {
        throw new IllegalStateException(
            "the feature network returned "
                + output.size()
                + " outputs; expected features, or a pair (features, logits)");
      }
      List<FeatureMatrix> matrices = new java.util.ArrayList<>();
      for (NDArray array : output) {
        matrices.add(toMatrix(array, n));
      }
      return matrices;
    }
  }

  private static FeatureMatrix toMatrix(NDArray features, int n) {
    if (features.getShape().dimension() < 2 || features.getShape().get(0) != n) {
      throw new IllegalStateException(
          "the feature network returned shape "
              + features.getShape()
              + " for "
              + n
              + " images; expected (N, D) or (N, D, 1, 1)");
    }
    NDArray flat = features.reshape(n, -1); // (N, D)
    int d = (int) flat.getShape().get(1);
    float[] values = flat.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    double[] widened = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      widened[i] = values[i];
    }
    return new FeatureMatrix(n, d, widened);
  }

  @Override
  public void close() {
    model.close();
  }
}

package org.dalle.evaluation.indomain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-domain evaluator network: a small CNN classifier of synthetic scenes whose penultimate
 * layer gives the features of the in-domain Fréchet distance and whose heads give the Inception
 * Score's class probabilities (the role Inception-v3 plays for MS-COCO in section 3.1 of the paper,
 * trained here on the project's own data because ImageNet classes do not describe coloured shapes
 * on black).
 *
 * <pre>
 *   x (B, 3, S, S), values in [0, 1] ({@link EvaluatorNetwork#input})
 *   → ConvStage × n: (B, w_i, S/2^i, S/2^i)
 *   → [mean over space ‖ max over space ‖ flatten]: (B, w_n · (2 + (S/2^n)²))
 *   → linear, ReLU: features (B, D)
 *   → linear: logits (B, K), every head's logits side by side ({@link SceneLabels})
 * </pre>
 *
 * <p>The spatial mean and maximum are the same wherever an object is, so colour, shape and size are
 * learnt once for every place (on small training sets a flatten alone learnt colours slowly, one
 * place at a time); the flattened map keeps where the objects are, for the position and count
 * heads. {@code forward} returns {@code NDList(features, logits)}.
 */
public final class SceneClassifier extends AbstractBlock {

  private static final byte VERSION = 1;

  private final EvaluatorConfig config;
  private final int classes;
  private final List<ConvStage> stages = new ArrayList<>();
  private final Linear features;
  private final Linear heads;

  private SceneClassifier(Builder builder) {
    super(VERSION);
    config = builder.config;
    classes = builder.classes;
    int width = 3;
    for (int i = 0; i < config.widths().size(); i++) {
      ConvStage stage =
          ConvStage.builder()
              .setInChannels(width)
              .setOutChannels(config.widths().get(i))
              .optConvs(config.convsPerStage())
              .build();
      stages.add(addChildBlock("stage_" + (i + 1), stage));
      width = config.widths().get(i);
    }
    features = addChildBlock("features", linear(config.featureSize(), config.pooledSize(), 2));
    heads = addChildBlock("heads", linear(classes, config.featureSize(), 1));
  }

  /** A linear layer with weights from N(0, gain / fanIn) and zero biases. */
  private static Linear linear(int units, int fanIn, double gain) {
    Linear linear = Linear.builder().setUnits(units).build();
    linear.setInitializer(
        new NormalInitializer((float) Math.sqrt(gain / fanIn)), Parameter.Type.WEIGHT);
    linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    return linear;
  }

  /** A builder; the config and the number of logits are required. */
  public static Builder builder() {
    return new Builder();
  }

  public EvaluatorConfig config() {
    return config;
  }

  /** Logits per image (all heads together). */
  public int classes() {
    return classes;
  }

  /** Initialises every parameter for a batch of one image (the shapes do not depend on B). */
  public void initializeParameters(NDManager manager) {
    int s = config.imageSize();
    initialize(manager, DataType.FLOAT32, new Shape(1, 3, s, s));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow(); // (B, 3, S, S)
    long batch = x.getShape().get(0);
    for (ConvStage stage : stages) {
      x = stage.forward(parameterStore, new NDList(x), training).singletonOrThrow();
    }
    // x: (B, w_n, S/2^n, S/2^n)
    long channels = x.getShape().get(1);
    NDArray cells = x.reshape(batch, channels, -1); // (B, w_n, (S/2^n)²)
    int[] space = {2};
    NDArray pooled =
        NDArrays.concat(
            new NDList(
                cells.mean(space), // (B, w_n)
                cells.max(space), // (B, w_n)
                x.reshape(batch, -1)), // (B, w_n · (S/2^n)²)
            1); // (B, w_n · (2 + (S/2^n)²))
    NDArray f = features.forward(parameterStore, new NDList(pooled), training).singletonOrThrow();
    f = Activation.relu(f); // (B, D)
    NDArray logits =
        heads.forward(parameterStore, new NDList(f), training).singletonOrThrow(); // (B, K)
    return new NDList(f, logits);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {new Shape(batch, config.featureSize()), new Shape(batch, classes)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    int s = config.imageSize();
    if (in.dimension() != 4 || in.get(1) != 3 || in.get(2) != s || in.get(3) != s) {
      throw new IllegalArgumentException(
          "input shape is " + in + "; expected (B, 3, " + s + ", " + s + ")");
    }
    Shape shape = in;
    for (ConvStage stage : stages) {
      stage.initialize(manager, dataType, shape);
      shape = stage.getOutputShapes(new Shape[] {shape})[0];
    }
    features.initialize(manager, dataType, new Shape(in.get(0), config.pooledSize()));
    heads.initialize(manager, dataType, new Shape(in.get(0), config.featureSize()));
  }

  @Override
  public String toString() {
    return "SceneClassifier(" + config + ", " + classes + " logits)";
  }

  /** Builds a {@link SceneClassifier}, validating the config. */
  public static final class Builder {
    private EvaluatorConfig config;
    private int classes;

    private Builder() {}

    /** The network's shape. */
    public Builder setConfig(EvaluatorConfig config) {
      this.config = config;
      return this;
    }

    /** Logits of all heads together, {@link SceneLabels#classes()}. */
    public Builder setClasses(int classes) {
      this.classes = classes;
      return this;
    }

    /** The network, after checking every value. */
    public SceneClassifier build() {
      if (config == null) {
        throw new IllegalArgumentException("config is not set; expected an EvaluatorConfig");
      }
      config.validate();
      if (classes < 2) {
        throw new IllegalArgumentException("classes is " + classes + "; expected at least 2");
      }
      return new SceneClassifier(this);
    }
  }
}

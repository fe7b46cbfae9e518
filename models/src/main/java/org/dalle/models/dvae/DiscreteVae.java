package org.dalle.models.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dalle.models.nn.Scale;

/**
 * The discrete VAE of stage 1 (section 2.1 of the paper): an encoder from images to a grid of code
 * logits, a Gumbel-softmax relaxation of the code sample, and a decoder from (relaxed) one-hot
 * codes to logit-Laplace pixel distributions.
 *
 * <p>As a DJL block it takes {@code [images (B, C, S, S), τ (scalar)]} and returns {@code [decoded
 * (B, 2C, S, S), logits (B, K, G, G)]}. The methods below are the same computation for a single
 * device; each runs its intermediates in a sub-manager closed before it returns, and attaches only
 * its results to the manager of the images passed in, so a training step's native memory is freed
 * with the step (autograd keeps what backward needs on its own).
 */
public final class DiscreteVae extends AbstractBlock {

  private static final byte VERSION = 1;

  private final DvaeConfig config;
  private final DvaeEncoder encoder;
  private final DvaeDecoder decoder;

  /** The model for {@code config}; call {@link #initializeParameters} before use. */
  public DiscreteVae(DvaeConfig config) {
    super(VERSION);
    this.config = config.validate();
    encoder = addChildBlock("encoder", new DvaeEncoder(config));
    decoder = addChildBlock("decoder", new DvaeDecoder(config));
  }

  public DvaeConfig config() {
    return config;
  }

  public DvaeEncoder encoder() {
    return encoder;
  }

  public DvaeDecoder decoder() {
    return decoder;
  }

  /** Draws the initial weights (float32) into {@code manager}, which must outlive the model. */
  public void initializeParameters(NDManager manager) {
    int size = config.imageSize();
    initialize(manager, DataType.FLOAT32, new Shape(1, config.channels(), size, size), new Shape());
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    requireInitialized();
    long count = 0;
    for (Parameter parameter : getParameters().values()) {
      count += parameter.getArray().size();
    }
    return count;
  }

  /**
   * The training forward pass: encode, relax the code sample at temperature {@code tau}, decode.
   *
   * @param images pixels in [0, 1], {@code (B, C, S, S)}
   */
  public DvaeOutput forward(NDArray images, float tau) {
    GumbelSoftmax.checkTemperature(tau);
    checkImages(images);
    NDManager caller = images.getManager();
    try (NDManager scope = caller.newSubManager()) {
      images.tempAttach(scope);
      NDList out = relaxedPass(new ParameterStore(scope, false), images, tau, true);
      out.attach(caller);
      return new DvaeOutput(out.get(0), out.get(1));
    }
  }

  /**
   * The loss of one batch: reconstruction (logit-Laplace NLL per sub-pixel) plus {@code beta} times
   * the KL to the uniform prior (per sub-pixel, see {@link UniformPriorKl}).
   *
   * @param images pixels in [0, 1], {@code (B, C, S, S)}
   */
  public DvaeLoss loss(NDArray images, float tau, float beta) {
    return loss(images, tau, beta, PixelLikelihood.logitLaplace());
  }

  /**
   * The loss of one batch with the reconstruction term of {@code likelihood}, plus {@code beta}
   * times the KL to the uniform prior (per sub-pixel).
   *
   * @param images pixels in [0, 1], {@code (B, C, S, S)}
   */
  public DvaeLoss loss(NDArray images, float tau, float beta, PixelLikelihood likelihood) {
    return loss(images, tau, beta, 0f, likelihood);
  }

  /**
   * {@link #loss(NDArray, float, float, PixelLikelihood)} plus {@code usageWeight} times the KL of
   * the batch's mean posterior from uniform ({@link UniformPriorKl#ofMeanPosterior}), scaled per
   * sub-pixel as the KL term is. The KL term already holds that part with weight β; this weights
   * code usage further without weighting the information each code carries.
   *
   * @param images pixels in [0, 1], {@code (B, C, S, S)}
   */
  public DvaeLoss loss(
      NDArray images, float tau, float beta, float usageWeight, PixelLikelihood likelihood) {
    if (!(usageWeight >= 0) || Float.isInfinite(usageWeight)) {
      throw new IllegalArgumentException(
          "usage KL weight is "
              + usageWeight
              + "; expected a finite number >= 0 (0: the paper's loss)");
    }
    if (!(beta >= 0) || Float.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "KL weight beta is " + beta + "; expected a finite number >= 0 (the paper: 0 to 6.6)");
    }
    GumbelSoftmax.checkTemperature(tau);
    checkImages(images);
    NDManager caller = images.getManager();
    try (NDManager scope = caller.newSubManager()) {
      images.tempAttach(scope);
      NDList out = relaxedPass(new ParameterStore(scope, false), images, tau, true);
      NDArray decoded = out.get(0);
      NDArray logits = out.get(1);
      NDArray reconstruction = likelihood.negativeLogLikelihood(images, decoded);
      NDArray klPerPosition = // per (B, G, G) position, over the adjacent codes
          UniformPriorKl.perPosition(ChannelsLast.codesLast(logits), 3).mean();
      NDArray kl = UniformPriorKl.perSubpixel(klPerPosition, logits.getShape(), images.getShape());
      NDArray total = reconstruction.add(Scale.by(kl, beta));
      if (usageWeight > 0) {
        NDArray usage = UniformPriorKl.ofMeanPosterior(ChannelsLast.codesLast(logits));
        NDArray usageTerm = UniformPriorKl.perSubpixel(usage, logits.getShape(), images.getShape());
        total = total.add(Scale.by(usageTerm, usageWeight));
      }
      NDList results = new NDList(total, reconstruction, kl, klPerPosition, logits);
      results.attach(caller);
      return new DvaeLoss(total, reconstruction, kl, klPerPosition, logits);
    }
  }

  /**
   * Image tokens for the transformer (section 2.2): the argmax of the encoder logits at every grid
   * position, with no Gumbel noise. Returns INT32 codes in [0, K), {@code (B, G, G)}.
   */
  public NDArray encode(NDArray images) {
    checkImages(images);
    NDManager caller = images.getManager();
    try (NDManager scope = caller.newSubManager()) {
      images.tempAttach(scope);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray logits = encoder.forward(store, new NDList(images), false).head(); // (B, K, G, G)
      NDArray tokens = GumbelSoftmax.hard(logits, 1); // (B, G, G)
      tokens.attach(caller);
      return tokens;
    }
  }

  /**
   * Images from tokens: the one-hot codes decoded to x̂ = φ⁻¹(sigmoid(μ)) in [0, 1], {@code (B, C,
   * S, S)}.
   *
   * @param tokens integer codes in [0, K), {@code (B, G, G)}
   */
  public NDArray decode(NDArray tokens) {
    requireInitialized();
    NDManager caller = tokens.getManager();
    try (NDManager scope = caller.newSubManager()) {
      tokens.tempAttach(scope);
      checkTokens(tokens);
      NDArray oneHot =
          tokens.toType(DataType.INT64, false).oneHot(config.vocabSize()).transpose(0, 3, 1, 2);
      NDArray decoded = // (B, 2C, S, S)
          decoder.forward(new ParameterStore(scope, false), new NDList(oneHot), false).head();
      NDArray images = LogitLaplace.reconstruction(decoded); // (B, C, S, S)
      images.attach(caller);
      return images;
    }
  }

  /** {@code decode(encode(images))}: what the images look like through the codebook. */
  public NDArray reconstruct(NDArray images) {
    try (NDArray tokens = encode(images)) {
      return decode(tokens);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "inputs are " + inputs.size() + " arrays; expected [images (B, C, S, S), tau (scalar)]");
    }
    NDArray images = inputs.get(0);
    float tau = inputs.get(1).getFloat();
    GumbelSoftmax.checkTemperature(tau);
    checkImages(images);
    return relaxedPass(parameterStore, images, tau, training);
  }

  /** Encoder, relaxed sample, decoder: {@code [decoded (B, 2C, S, S), logits (B, K, G, G)]}. */
  private NDList relaxedPass(ParameterStore store, NDArray images, float tau, boolean training) {
    NDArray logits = encoder.forward(store, new NDList(images), training).head(); // (B, K, G, G)
    NDArray codes = // (B, K, G, G) channels-last, rows sum to 1; noise drawn as (B, G, G, K)
        GumbelSoftmax.sample(ChannelsLast.codesLast(logits), tau, 3).transpose(0, 3, 1, 2);
    NDArray decoded = decoder.forward(store, new NDList(codes), training).head(); // (B, 2C, S, S)
    return new NDList(decoded, logits);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    int size = config.imageSize();
    int grid = config.gridSize();
    return new Shape[] {
      new Shape(batch, 2L * config.channels(), size, size),
      new Shape(batch, config.vocabSize(), grid, grid)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape images = inputShapes[0];
    int grid = config.gridSize();
    encoder.initialize(manager, dataType, images);
    decoder.initialize(manager, dataType, new Shape(images.get(0), config.vocabSize(), grid, grid));
  }

  private void requireInitialized() {
    if (!isInitialized()) {
      throw new IllegalStateException(
          "the dVAE has no parameters yet; call initializeParameters(manager) or load a checkpoint");
    }
  }

  private void checkImages(NDArray images) {
    requireInitialized();
    int size = config.imageSize();
    Shape shape = images.getShape();
    if (shape.dimension() != 4
        || shape.get(0) < 1
        || shape.get(1) != config.channels()
        || shape.get(2) != size
        || shape.get(3) != size) {
      throw new IllegalArgumentException(
          String.format(
              "images are %s; expected (B, %d, %d, %d) with B >= 1",
              shape, config.channels(), size, size));
    }
    if (images.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "images are " + images.getDataType() + "; expected float32 pixels in [0, 1]");
    }
  }

  private void checkTokens(NDArray tokens) {
    int grid = config.gridSize();
    Shape shape = tokens.getShape();
    if (shape.dimension() != 3 || shape.get(1) != grid || shape.get(2) != grid) {
      throw new IllegalArgumentException(
          String.format("tokens are %s; expected (B, %d, %d)", shape, grid, grid));
    }
    if (!tokens.getDataType().isInteger()) {
      throw new IllegalArgumentException(
          "tokens are " + tokens.getDataType() + "; expected an integer type");
    }
    if (shape.size() > 0) {
      long min = tokens.min().toType(DataType.INT64, false).getLong();
      long max = tokens.max().toType(DataType.INT64, false).getLong();
      if (min < 0 || max >= config.vocabSize()) {
        throw new IllegalArgumentException(
            String.format(
                "tokens range from %d to %d; expected codes in [0, %d)",
                min, max, config.vocabSize()));
      }
    }
  }
}

package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dalle.models.nn.EngineOwned;
import org.dalle.models.nn.ParameterSpecs;

/**
 * The contrastive model that reranks samples (section 2.5 of the paper; CLIP, Radford et al. 2021):
 * a {@link ClipImageEncoder} and a {@link ClipTextEncoder} whose outputs are L2-normalised into one
 * space, and a learned temperature.
 *
 * <pre>
 *   I = normalize(image_encoder(images))      (B, E)
 *   T = normalize(text_encoder(ids))          (B, E)
 *   s = exp(min(t, ln 100))                   t starts at ln(1/0.07)
 *   score(image, caption) = s · ⟨I, T⟩
 * </pre>
 *
 * Trained with the symmetric InfoNCE loss ({@link ClipLoss}). Like {@code TransformerPrior}, each
 * method runs its intermediates in a sub-manager of the inputs' manager, closed before it returns,
 * and attaches only its results to the inputs' manager.
 *
 * <p>As a DJL block it takes {@code [images (B, 3, S, S), ids (B, L)]} and returns {@code [I (B,
 * E), T (B, E), s (1)]}.
 */
public final class ClipModel extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final float NORM_EPSILON = 1e-12f;

  private final ClipConfig config;
  private final ClipImageEncoder imageEncoder;
  private final ClipTextEncoder textEncoder;
  private final Parameter logitScale;

  /** The model for {@code config}; call {@link #initializeParameters} or load weights first. */
  public ClipModel(ClipConfig config) {
    super(VERSION);
    this.config = config.validate();
    imageEncoder = addChildBlock("image", new ClipImageEncoder(config));
    textEncoder = addChildBlock("text", new ClipTextEncoder(config));
    logitScale = addParameter(ParameterSpecs.scalar("logit_scale", ClipConfig.INITIAL_LOGIT_SCALE));
  }

  public ClipConfig config() {
    return config;
  }

  /** Draws the initial weights (float32) into {@code manager}, which must outlive the model. */
  public void initializeParameters(NDManager manager) {
    int size = config.imageSize();
    initialize(
        manager, DataType.FLOAT32, new Shape(1, 3, size, size), new Shape(1, config.textLength()));
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
   * L2-normalised image embeddings.
   *
   * @param images RGB in [0, 1], {@code (B, 3, S, S)}; resized when S is not {@code image_size}
   * @return {@code (B, E)}, attached to the images' manager
   */
  public NDArray imageEmbeddings(NDArray images) {
    requireInitialized();
    NDManager caller = images.getManager();
    try (NDManager scope = caller.newSubManager()) {
      images.tempAttach(scope);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray embeddings = normalize(imageEncoder.encode(store, images, false)); // (B, E)
      embeddings.attach(caller);
      return embeddings;
    }
  }

  /**
   * L2-normalised text embeddings.
   *
   * @param ids token rows as {@link ClipScorer#tokenize}, {@code (B, L)}
   * @return {@code (B, E)}, attached to the ids' manager
   */
  public NDArray textEmbeddings(NDArray ids) {
    requireInitialized();
    checkIds(ids);
    NDManager caller = ids.getManager();
    try (NDManager scope = caller.newSubManager()) {
      ids.tempAttach(scope);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray embeddings =
          normalize(textEncoder.encode(store, ids.toType(DataType.INT64, false))); // (B, E)
      embeddings.attach(caller);
      return embeddings;
    }
  }

  /** The logit scale s = exp(min(t, ln 100)), {@code (1)}, in {@code manager}. */
  public NDArray logitScale(NDManager manager) {
    requireInitialized();
    NDArray t = logitScale.getArray();
    NDArray result;
    try (NDManager scope = manager.newSubManager()) {
      result = clampedScale(t, scope);
      result.attach(manager);
    }
    return result;
  }

  /** The temperature 1/s the logits are divided by, for metrics. */
  public float temperature() {
    requireInitialized();
    float t = logitScale.getArray().getFloat(0);
    return (float) Math.exp(-Math.min(t, ClipConfig.MAX_LOGIT_SCALE));
  }

  /**
   * The training loss of a batch of (image, caption) pairs; pairs whose token rows are equal count
   * as matches of each other ({@link ClipLoss#sameCaptionTargets}).
   *
   * @param images RGB in [0, 1], {@code (B, 3, S, S)}
   * @param ids token rows, {@code (B, L)}
   * @return the loss, attached to the images' manager
   */
  public ClipLoss loss(NDArray images, NDArray ids) {
    return loss(images, ids, null);
  }

  /**
   * The training loss of a batch of (image, caption) pairs with extra negative captions that match
   * no image ({@link ClipLoss#withNegatives}); pairs whose token rows are equal count as matches of
   * each other.
   *
   * @param images RGB in [0, 1], {@code (B, 3, S, S)}
   * @param ids token rows, {@code (B, L)}
   * @param negativeIds token rows of the negative captions, {@code (K, L)}; null or K = 0 for none
   * @return the loss, attached to the images' manager
   */
  public ClipLoss loss(NDArray images, NDArray ids, NDArray negativeIds) {
    requireInitialized();
    checkIds(ids);
    boolean negatives = negativeIds != null && negativeIds.getShape().get(0) > 0;
    if (negatives) {
      checkIds(negativeIds);
    }
    long batch = images.getShape().get(0);
    if (ids.getShape().get(0) != batch) {
      throw new IllegalArgumentException(
          "images are "
              + images.getShape()
              + " but ids "
              + ids.getShape()
              + "; expected one row"
              + " of ids per image");
    }
    NDManager caller = images.getManager();
    try (NDManager scope = caller.newSubManager()) {
      images.tempAttach(scope);
      ids.tempAttach(scope);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray longIds = ids.toType(DataType.INT64, false);
      NDArray imageEmbeddings = normalize(imageEncoder.encode(store, images, true)); // (B, E)
      NDArray scale = clampedScale(store.getValue(logitScale, images.getDevice(), true), scope);
      float[] targets = ClipLoss.sameCaptionTargets(rowKeys(longIds));
      // Autograd keeps the targets for the backward pass, after this scope is closed.
      NDArray y = EngineOwned.copyOf(scope, targets, new Shape(batch, batch));
      NDArray textEmbeddings;
      NDArray negativeEmbeddings = null;
      if (negatives) {
        negativeIds.tempAttach(scope);
        // one text pass over the captions and the negatives together
        NDArray allIds = longIds.concat(negativeIds.toType(DataType.INT64, false), 0);
        NDArray all = normalize(textEncoder.encode(store, allIds)); // (B + K, E)
        textEmbeddings = all.get(new NDIndex("0:{}", batch));
        negativeEmbeddings = all.get(new NDIndex("{}:", batch));
      } else {
        textEmbeddings = normalize(textEncoder.encode(store, longIds)); // (B, E)
      }
      ClipLoss loss =
          ClipLoss.withNegatives(imageEmbeddings, textEmbeddings, negativeEmbeddings, scale, y);
      new NDList(loss.total(), loss.imageToText(), loss.textToImage(), loss.logits())
          .attach(caller);
      return loss;
    }
  }

  /** {@code x / ‖x‖} along the last axis, differentiable. */
  private static NDArray normalize(NDArray x) {
    NDManager manager = x.getManager();
    NDArray norm = x.square().sum(new int[] {-1}, true).sqrt(); // (B, 1)
    NDArray epsilon = manager.full(new Shape(), NORM_EPSILON, x.getDataType());
    return x.div(norm.add(epsilon)); // (B, E)
  }

  /** exp(min(t, ln 100)); the bound is an engine-owned scalar, as autograd keeps it. */
  private static NDArray clampedScale(NDArray t, NDManager manager) {
    NDArray bound = manager.full(new Shape(), ClipConfig.MAX_LOGIT_SCALE, t.getDataType());
    // bound first: a result lands in its first operand's manager, and t lives with the weights.
    return bound.minimum(t).exp();
  }

  private static List<String> rowKeys(NDArray ids) {
    long[] values = ids.toLongArray();
    int length = Math.toIntExact(ids.getShape().get(1));
    List<String> keys = new ArrayList<>();
    for (int from = 0; from < values.length; from += length) {
      keys.add(Arrays.toString(Arrays.copyOfRange(values, from, from + length)));
    }
    return keys;
  }

  private void checkIds(NDArray ids) {
    Shape shape = ids.getShape();
    if (shape.dimension() != 2 || shape.get(1) != config.textLength()) {
      throw new IllegalArgumentException(
          "token ids have shape " + shape + "; expected (B, " + config.textLength() + ")");
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
          "inputs are " + inputs.size() + " arrays; expected [images (B, 3, S, S), ids (B, L)]");
    }
    NDArray images = normalize(imageEncoder.encode(parameterStore, inputs.get(0), training));
    NDArray texts =
        normalize(textEncoder.encode(parameterStore, inputs.get(1).toType(DataType.INT64, false)));
    NDArray t = parameterStore.getValue(logitScale, images.getDevice(), training);
    return new NDList(images, texts, clampedScale(t, images.getManager()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {
      new Shape(batch, config.embedDim()), new Shape(batch, config.embedDim()), new Shape(1)
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    imageEncoder.initialize(manager, dataType, inputShapes[0]);
    textEncoder.initialize(manager, dataType, inputShapes[1]);
  }

  void requireInitialized() {
    if (!isInitialized()) {
      throw new IllegalStateException(
          "the contrastive model has no parameters yet; call initializeParameters(manager) or"
              + " load an export");
    }
  }
}

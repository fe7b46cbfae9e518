package org.dalle.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.nn.ParameterSpecs;

/**
 * The transformer prior of stage 2 (section 2.2 of the paper): a decoder-only transformer over
 * [text ‖ image] that models p(text, image) autoregressively.
 *
 * <pre>
 *   x  = SequenceEmbedding(tokens)                       (B, T, C)
 *   x  = ResidualBlock_i(x)  for i = 1..layers           each under its own attention mask
 *   h  = LN_f(x)
 *   text logits  = h[:, 0 .. L-2] · W_textᵀ             predict text tokens 1..L-1
 *   image logits = h[:, L-1 .. T-2] · W_imageᵀ           predict image tokens 0..N-1
 * </pre>
 *
 * A position's logits cover only the vocabulary of the token it predicts. The first text token is
 * conditioning only: nothing precedes it, and generating images never needs it predicted. The last
 * image token is only a target, so the model reads {@code T − 1} positions.
 *
 * <p>Like {@code DiscreteVae}, each method runs its intermediates in a sub-manager of the inputs'
 * manager, closed before it returns, and attaches only its results to the inputs' manager.
 */
public final class TransformerPrior extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final float LAYER_NORM_EPSILON = 1e-5f;

  private final TransformerConfig config;
  private final SequenceEmbedding embedding;
  private final List<ResidualBlock> blocks = new ArrayList<>();
  private final Parameter finalGain;
  private final Parameter finalShift;
  private final Parameter textHead;
  private final Parameter imageHead;
  private final MaskBiases biases;

  /**
   * The model for {@code config}; call {@link #initializeParameters} or load weights before use.
   */
  public TransformerPrior(TransformerConfig config) {
    super(VERSION);
    this.config = config.validate();
    biases = new MaskBiases(config.masks(), config.sequenceLength() - 1);
    embedding = addChildBlock("embedding", new SequenceEmbedding(config));
    for (int layer = 1; layer <= config.layers(); layer++) {
      blocks.add(
          addChildBlock(String.format("block%03d", layer), new ResidualBlock(config, layer)));
    }
    finalGain = addParameter(ParameterSpecs.gain("final_gain", config.dModel()));
    finalShift = addParameter(ParameterSpecs.shift("final_shift", config.dModel()));
    textHead =
        addParameter(
            ParameterSpecs.matrix(
                "text_head",
                config.textEmbeddingRows(),
                config.dModel(),
                TransformerParameters.INIT_STD));
    imageHead =
        addParameter(
            ParameterSpecs.matrix(
                "image_head",
                config.imageVocabSize(),
                config.dModel(),
                TransformerParameters.INIT_STD));
  }

  public TransformerConfig config() {
    return config;
  }

  /** The attention kind of each layer, first layer first. */
  public List<AttentionMasks.Kind> layerKinds() {
    return blocks.stream().map(ResidualBlock::kind).toList();
  }

  /** Draws the initial weights (float32) into {@code manager}, which must outlive the model. */
  public void initializeParameters(NDManager manager) {
    initialize(manager, DataType.FLOAT32, new Shape(1, config.sequenceLength() - 1));
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
   * Next-token logits for every position of a batch (teacher forcing).
   *
   * @param text padded text ids, {@code (B, L)}, as {@link org.dalle.models.tokenizer.TextTokens}
   * @param image image codes in raster order, {@code (B, N)}
   * @param training whether dropout is on
   */
  public PriorLogits forward(NDArray text, NDArray image, boolean training) {
    return forward(text, image, training, null);
  }

  /**
   * {@link #forward(NDArray, NDArray, boolean)} with per-resblock gradient scales (one per layer,
   * see {@link ResblockGradientScaler}): the forward values are the same, each block's parameter
   * gradients come out multiplied by its scale.
   */
  public PriorLogits forward(
      NDArray text, NDArray image, boolean training, float[] gradientScales) {
    if (gradientScales != null && gradientScales.length != blocks.size()) {
      throw new IllegalArgumentException(
          "gradient scales are "
              + gradientScales.length
              + "; expected one per layer, "
              + blocks.size());
    }
    requireInitialized();
    NDManager caller = text.getManager();
    try (NDManager scope = caller.newSubManager()) {
      text.tempAttach(scope);
      image.tempAttach(scope);
      TokenChecks.checkBatch(config, text, image);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray tokens = // (B, T-1): the last image token is only a target
          text.toType(DataType.INT64, false)
              .concat(image.toType(DataType.INT64, false).get(":, :-1"), 1);
      NDArray h = hidden(store, tokens, training, gradientScales); // (B, T-1, C)
      PriorLogits logits = heads(store, h);
      new NDList(logits.text(), logits.image()).attach(caller);
      return logits;
    }
  }

  /**
   * The weighted training loss of a batch (text 1/8, image 7/8 in the paper), in training mode.
   *
   * @param text padded text ids, {@code (B, L)}
   * @param image image codes, {@code (B, N)}
   */
  public PriorLoss loss(NDArray text, NDArray image) {
    return loss(text, image, true, null);
  }

  /** {@link #loss(NDArray, NDArray)} with dropout on or off, and optional gradient scales. */
  public PriorLoss loss(NDArray text, NDArray image, boolean training, float[] gradientScales) {
    NDManager caller = text.getManager();
    try (NDManager scope = caller.newSubManager()) {
      text.tempAttach(scope);
      image.tempAttach(scope);
      PriorLogits logits = forward(text, image, training, gradientScales);
      PriorLoss loss =
          PriorLoss.of(
              logits, text.get(":, 1:"), image, config.textLossWeight(), config.imageLossWeight());
      new NDList(loss.total(), loss.text(), loss.image()).attach(caller);
      return loss;
    }
  }

  /**
   * The logits of the token at position {@code t} given the {@code t} tokens before it, by a full
   * forward pass over the prefix (no cache; {@link PriorDecoder} is the fast way).
   *
   * @param prefix {@code (B, t)} with {@code 1 ≤ t ≤ T − 1}: text ids, then image codes
   * @return {@code (B, V)}, over text ids when {@code t < L}, else over image codes
   */
  public NDArray nextTokenLogits(NDArray prefix) {
    requireInitialized();
    NDManager caller = prefix.getManager();
    try (NDManager scope = caller.newSubManager()) {
      prefix.tempAttach(scope);
      TokenChecks.checkPrefix(config, prefix, 0, config.sequenceLength() - 1);
      ParameterStore store = new ParameterStore(scope, false);
      NDArray h = hidden(store, prefix.toType(DataType.INT64, false), false, null); // (B, t, C)
      int last = Math.toIntExact(prefix.getShape().get(1)) - 1;
      NDArray logits = logitsAt(store, h.get(":, -1"), last); // (B, V)
      logits.attach(caller);
      return logits;
    }
  }

  /**
   * The parameters of resblock {@code layer} (1-based), the unit of per-resblock gradient scaling;
   * keys as in {@link #getParameters()}.
   */
  public ParameterList blockParameters(int layer) {
    if (layer < 1 || layer > blocks.size()) {
      throw new IllegalArgumentException(
          "layer is " + layer + "; expected 1.." + blocks.size() + " (numbered from 1)");
    }
    String prefix = String.format("%02dblock%03d_", layer + 1, layer);
    ParameterList all = getParameters();
    ParameterList block = new ParameterList();
    for (Pair<String, Parameter> entry : all) {
      if (entry.getKey().startsWith(prefix)) {
        block.add(entry);
      }
    }
    return block;
  }

  /**
   * A cached decoder for {@code batch} sequences, its caches in a sub-manager of {@code manager}.
   */
  public PriorDecoder newDecoder(int batch, NDManager manager) {
    requireInitialized();
    return new PriorDecoder(this, batch, manager);
  }

  /** The data type of the parameters (float32 unless converted). */
  DataType dataType() {
    return finalGain.getArray().getDataType();
  }

  SequenceEmbedding embedding() {
    return embedding;
  }

  List<ResidualBlock> blocks() {
    return blocks;
  }

  /** The final layer norm over {@code h (…, C)}. */
  NDArray finalNorm(ParameterStore store, NDArray h) {
    NDArray gamma = store.getValue(finalGain, h.getDevice(), false);
    NDArray beta = store.getValue(finalShift, h.getDevice(), false);
    return LayerNorm.layerNorm(h, new Shape(config.dModel()), gamma, beta, LAYER_NORM_EPSILON)
        .head();
  }

  /** The text and image logits of normed hidden states {@code (B, T-1, C)}. */
  PriorLogits heads(ParameterStore store, NDArray h) {
    int textLength = config.textLength();
    NDArray textLogits = head(store, textHead, h.get(":, :{}", textLength - 1)); // (B, L-1, Vt')
    NDArray imageLogits = head(store, imageHead, h.get(":, {}:", textLength - 1)); // (B, N, Vi)
    return new PriorLogits(textLogits, imageLogits);
  }

  /** The additive attention masks of the full input length. */
  MaskBiases biases() {
    return biases;
  }

  /** Logits {@code (B, V)} from the normed hidden state {@code (B, C)} at {@code position}. */
  NDArray logitsAt(ParameterStore store, NDArray normed, int position) {
    return head(store, position < config.textLength() - 1 ? textHead : imageHead, normed);
  }

  /** Embeddings, resblocks and final norm over positions {@code 0..t-1}: {@code (B, t, C)}. */
  private NDArray hidden(
      ParameterStore store, NDArray tokens, boolean training, float[] gradientScales) {
    int t = Math.toIntExact(tokens.getShape().get(1));
    NDArray x = embedding.embed(store, tokens, 0); // (B, t, C)
    if (training && config.dropout() > 0) {
      x = Dropout.dropout(x, config.dropout(), true).head();
    }
    Map<AttentionMasks.Kind, LayerMask> masks = new EnumMap<>(AttentionMasks.Kind.class);
    for (int i = 0; i < blocks.size(); i++) {
      ResidualBlock block = blocks.get(i);
      DataType type = x.getDataType();
      LayerMask mask =
          masks.computeIfAbsent(
              block.kind(), kind -> biases.mask(kind, t, type, tokens.getManager()));
      float scale = gradientScales == null ? 1f : gradientScales[i];
      x = block.forward(store, x, mask, training, scale); // (B, t, C)
    }
    return finalNorm(store, x); // (B, t, C)
  }

  private static NDArray head(ParameterStore store, Parameter head, NDArray h) {
    return Linear.linear(h, store.getValue(head, h.getDevice(), false)).head();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (inputs.size() != 2) {
      throw new IllegalArgumentException(
          "inputs are " + inputs.size() + " arrays; expected [text (B, L), image (B, N)]");
    }
    PriorLogits logits = forward(inputs.get(0), inputs.get(1), training);
    return new NDList(logits.text(), logits.image());
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long batch = inputShapes[0].get(0);
    return new Shape[] {
      new Shape(batch, config.textLength() - 1, config.textEmbeddingRows()),
      new Shape(batch, config.imageLength(), config.imageVocabSize())
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    embedding.initialize(manager, dataType, inputShapes);
    Shape hidden = new Shape(inputShapes[0].get(0), inputShapes[0].get(1), config.dModel());
    for (ResidualBlock block : blocks) {
      block.initialize(manager, dataType, hidden);
    }
  }

  void requireInitialized() {
    if (!isInitialized()) {
      throw new IllegalStateException(
          "the transformer has no parameters yet; call initializeParameters(manager) or load"
              + " weights");
    }
  }
}

package org.dalle.jobs.cluster;

import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.TransformerConfig;

/**
 * The sizes of the transformer prior that its training memory and traffic depend on (section 2.2
 * and appendix B.1 of the paper).
 *
 * @param transformer the shape: layers, d_model, heads, sequence and vocabularies
 * @param parameters every trainable scalar
 * @param matrixParameters the resblocks' weight matrices, 12·d_model²·layers (query, key, value and
 *     output projections, and the two MLP matrices): what the paper keeps in 16 bits and compresses
 *     with PowerSGD; the rest (gains, biases, embeddings, output heads) stays fp32 and is
 *     all-reduced uncompressed
 */
public record ModelShape(TransformerConfig transformer, long parameters, long matrixParameters) {

  public ModelShape {
    if (matrixParameters < 0 || matrixParameters > parameters) {
      throw new IllegalArgumentException(
          "matrix parameters "
              + matrixParameters
              + " of "
              + parameters
              + "; expected between 0 and the total");
    }
  }

  /** The shape {@code transformer} describes, counted exactly. */
  public static ModelShape of(TransformerConfig transformer) {
    return new ModelShape(
        transformer,
        transformer.parameterCount(),
        perLayerMatrices(transformer) * layers(transformer));
  }

  /**
   * The paper's prior at another width and depth (the models of the paper's Table 1): its sequence
   * and vocabularies, heads of 64 (one head when {@code dModel} is not a multiple of 64).
   */
  public static ModelShape withWidth(int dModel, int layers) {
    TransformerConfig paper = TransformerConfig.paper();
    int heads = dModel % 64 == 0 ? dModel / 64 : 1;
    return of(
        new TransformerConfig(
                layers,
                dModel,
                heads,
                paper.textLength(),
                paper.textVocabSize(),
                paper.gridSize(),
                paper.imageVocabSize(),
                paper.convKernel(),
                paper.textLossWeight(),
                paper.imageLossWeight(),
                0f,
                AttentionSchedule.SPARSE)
            .validate());
  }

  /**
   * A model of {@code parameters} scalars in {@code layers} resblocks: the paper's prior whose
   * width is the multiple of 64 nearest to √(parameters / 12·layers), with the total replaced by
   * {@code parameters} (the matrices are at most that).
   */
  public static ModelShape ofCount(long parameters, int layers) {
    if (parameters < 1 || layers < 1) {
      throw new IllegalArgumentException(
          "parameters " + parameters + " in " + layers + " layers; expected both at least 1");
    }
    long width = Math.max(64, Math.round(Math.sqrt(parameters / (12.0 * layers)) / 64) * 64);
    ModelShape shaped = withWidth((int) width, layers);
    return new ModelShape(
        shaped.transformer(), parameters, Math.min(parameters, shaped.matrixParameters()));
  }

  /** Gains, biases, embeddings and output heads: the parameters outside the resblock matrices. */
  public long otherParameters() {
    return parameters - matrixParameters;
  }

  /** The weight matrices of one resblock, 12·d_model². */
  public long resblockMatrixParameters() {
    return perLayerMatrices(transformer);
  }

  public int dModel() {
    return transformer.dModel();
  }

  private static long perLayerMatrices(TransformerConfig t) {
    return 12L * t.dModel() * t.dModel();
  }

  private static long layers(TransformerConfig t) {
    return t.layers();
  }
}

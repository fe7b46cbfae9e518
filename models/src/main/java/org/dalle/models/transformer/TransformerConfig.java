package org.dalle.models.transformer;

import java.io.Serializable;
import org.dalle.models.tokenizer.TextTokens;

/**
 * The shape of the transformer prior over [text tokens ‖ image tokens] (section 2.2 and appendix
 * B.1 of the paper), scaled by configuration.
 *
 * <p>The sequence is {@code textLength} text positions followed by {@code gridSize²} image
 * positions in raster order. Text ids are BPE tokens below {@code textVocabSize} or the learned
 * padding token {@code textVocabSize + i} of text position {@code i} ({@link TextTokens}), so the
 * text embedding and the text logits have {@link #textEmbeddingRows} entries. Every resblock is
 * {@code dModel} wide with {@code heads} attention heads and a 4·{@code dModel} MLP.
 *
 * <p>Bound from YAML with snake_case names ({@code d_model}, {@code text_length}, ...). A missing
 * number binds to 0, which {@link #validate} rejects.
 *
 * @param layers number of resblocks, 64 in the paper
 * @param dModel width of the residual stream, 3968 in the paper
 * @param heads attention heads per layer, 62 in the paper (head size 64)
 * @param textLength text positions, 256 in the paper
 * @param textVocabSize BPE vocabulary, 16384 in the paper
 * @param gridSize side of the image-token grid, 32 in the paper
 * @param imageVocabSize dVAE codebook size, 8192 in the paper
 * @param convKernel side of the causal convolutional attention kernel (odd), 11 in the paper
 * @param textLossWeight weight of the text cross-entropy, 1/8 in the paper
 * @param imageLossWeight weight of the image cross-entropy, 7/8 in the paper
 * @param dropout dropout rate on embeddings, attention weights and residual branches
 * @param attention {@code sparse} (the paper's row/column/convolutional schedule) or {@code dense}
 */
public record TransformerConfig(
    int layers,
    int dModel,
    int heads,
    int textLength,
    int textVocabSize,
    int gridSize,
    int imageVocabSize,
    int convKernel,
    float textLossWeight,
    float imageLossWeight,
    float dropout,
    AttentionSchedule attention)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's 12-billion-parameter model: 64 layers, 62 heads, d_model 3968. */
  public static TransformerConfig paper() {
    return new TransformerConfig(
        64, 3968, 62, 256, 16384, 32, 8192, 11, 1f / 8, 7f / 8, 0f, AttentionSchedule.SPARSE);
  }

  /**
   * A model that learns the synthetic shapes on a 2-core CPU in minutes: 4 layers of width 128, 32
   * text tokens from a 512-token BPE vocabulary, the tiny dVAE's 8×8 grid of 512 codes, and a 5×5
   * convolutional kernel (11 would cover most of an 8×8 grid).
   */
  public static TransformerConfig tiny() {
    return new TransformerConfig(
        4, 128, 4, 32, 512, 8, 512, 5, 1f / 8, 7f / 8, 0.1f, AttentionSchedule.SPARSE);
  }

  /** Width of one attention head, {@code dModel / heads}. */
  public int headSize() {
    return dModel / heads;
  }

  /** Width of the MLP's hidden layer, {@code 4 · dModel}. */
  public int mlpWidth() {
    return 4 * dModel;
  }

  /** Image tokens per image, {@code gridSize²}. */
  public int imageLength() {
    return gridSize * gridSize;
  }

  /** Positions in the whole sequence, {@code textLength + gridSize²}. */
  public int sequenceLength() {
    return textLength + imageLength();
  }

  /** Rows of the text embedding and text logits: the BPE ids, then one padding id per position. */
  public int textEmbeddingRows() {
    return TextTokens.embeddingVocabSize(textVocabSize, textLength);
  }

  /**
   * Trainable scalars of the model: per layer 12·C² + 13·C (attention, MLP, two layer norms), the
   * embeddings, the final layer norm and the two output heads. The paper's config gives about 12.3
   * billion.
   */
  public long parameterCount() {
    long c = dModel;
    long perLayer = 12 * c * c + 13 * c;
    long embeddings =
        ((long) textEmbeddingRows() + textLength + imageVocabSize + 2L * gridSize) * c;
    long heads = ((long) textEmbeddingRows() + imageVocabSize) * c;
    return layers * perLayer + embeddings + 2 * c + heads;
  }

  /** The attention masks this config describes. */
  public AttentionMasks masks() {
    return new AttentionMasks(textLength, gridSize, convKernel);
  }

  /**
   * Checks that the numbers describe a buildable model.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public TransformerConfig validate() {
    atLeast("layers", layers, 1);
    atLeast("heads", heads, 1);
    atLeast("d_model", dModel, 1);
    if (dModel % heads != 0) {
      throw new IllegalArgumentException(
          String.format(
              "d_model is %d; expected a multiple of heads (%d) so every head has the same width",
              dModel, heads));
    }
    atLeast("text_length", textLength, 2);
    atLeast("text_vocab_size", textVocabSize, 1);
    atLeast("grid_size", gridSize, 1);
    atLeast("image_vocab_size", imageVocabSize, 2);
    atLeast("conv_kernel", convKernel, 1);
    if (convKernel % 2 == 0) {
      throw new IllegalArgumentException(
          "conv_kernel is " + convKernel + "; expected an odd size (the paper: 11)");
    }
    if ((long) gridSize * gridSize + textLength > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException(
          "text_length " + textLength + " and grid_size " + gridSize + " give too long a sequence");
    }
    weight("text_loss_weight", textLossWeight);
    weight("image_loss_weight", imageLossWeight);
    if (!(textLossWeight + imageLossWeight > 0)) {
      throw new IllegalArgumentException(
          "text_loss_weight and image_loss_weight are both 0; expected a positive sum (the paper:"
              + " 1/8 and 7/8)");
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("dropout is " + dropout + "; expected a rate in [0, 1)");
    }
    if (attention == null) {
      throw new IllegalArgumentException("attention is unset; expected 'sparse' or 'dense'");
    }
    return this;
  }

  /** This config with another attention schedule, e.g. {@code dense} for a comparison. */
  public TransformerConfig withAttention(AttentionSchedule schedule) {
    return new TransformerConfig(
        layers,
        dModel,
        heads,
        textLength,
        textVocabSize,
        gridSize,
        imageVocabSize,
        convKernel,
        textLossWeight,
        imageLossWeight,
        dropout,
        schedule);
  }

  private static void atLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " is " + value + "; expected at least " + minimum);
    }
  }

  private static void weight(String name, float value) {
    if (!(value >= 0) || Float.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + "; expected a finite weight >= 0");
    }
  }
}

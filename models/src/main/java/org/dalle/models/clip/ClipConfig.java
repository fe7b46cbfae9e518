package org.dalle.models.clip;

import java.io.Serializable;
import org.dalle.models.tokenizer.TextTokens;

/**
 * The shape of the contrastive model that reranks samples (section 2.5 of the paper, which reranks
 * with CLIP, Radford et al. 2021): a CNN image encoder and a causal pre-LN transformer text encoder
 * over the project's BPE tokens, both projected into one {@code embedDim}-wide space.
 *
 * <p>The image encoder is the dVAE encoder's layout (appendix A.1) ending in a pooled embedding: a
 * 3×3 convolution to {@code imageWidth} channels, then {@code imageGroups} groups of {@code
 * blocksPerGroup} bottleneck blocks, group {@code g} being {@code imageWidth·2^g} wide, with 2×2
 * max-pooling between groups, then global average pooling. The text encoder reads {@code
 * textLength} positions laid out as {@link TextTokens} (one learned padding token per position) and
 * takes the state of the caption's last token, as CLIP takes its end-of-text token.
 *
 * <p>Bound from YAML with snake_case names. A missing number binds to 0, which {@link #validate}
 * rejects; the training job fills a {@code text_vocab_size} of 0 from the tokenizer first.
 *
 * @param imageSize side of the square input image; other sizes are resized to it
 * @param imageWidth channels of the first image group, a multiple of 4
 * @param imageGroups groups of blocks (resolutions) of the image encoder
 * @param blocksPerGroup bottleneck blocks per group
 * @param textLength text positions read; longer captions are cut
 * @param textVocabSize BPE vocabulary of the captions
 * @param textWidth width of the text transformer's residual stream
 * @param textLayers text transformer resblocks
 * @param textHeads attention heads per text resblock
 * @param embedDim width of the shared embedding space
 */
public record ClipConfig(
    int imageSize,
    int imageWidth,
    int imageGroups,
    int blocksPerGroup,
    int textLength,
    int textVocabSize,
    int textWidth,
    int textLayers,
    int textHeads,
    int embedDim)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * CLIP's learned temperature starts at 0.07 (Radford et al. 2021, section 2.5): the logit scale
   * parameter starts at ln(1/0.07).
   */
  public static final float INITIAL_LOGIT_SCALE = (float) Math.log(1 / 0.07);

  /** CLIP clips the logit scale at 100 so training stays stable: ln(100) on the parameter. */
  public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

  /**
   * A model that learns the synthetic shapes of {@code dalle quickstart} on a 2-core CPU in a few
   * minutes: 32×32 images through three groups (32, 64, 128 channels), two text resblocks of width
   * 64 over 32 tokens of a 512-token BPE, a 64-wide joint space.
   */
  public static ClipConfig tiny() {
    return new ClipConfig(32, 32, 3, 1, 32, 512, 64, 2, 4, 64);
  }

  /**
   * The scale of a reranker for the paper's 256×256 samples: CLIP's text transformer (12 layers,
   * width 512, 8 heads) over DALL·E's 256 text tokens of a 16384-token BPE, a five-group CNN (64 to
   * 1024 channels, 256 → 16 pixels) and CLIP's 512-wide joint space.
   */
  public static ClipConfig paper() {
    return new ClipConfig(256, 64, 5, 2, 256, 16384, 512, 12, 8, 512);
  }

  /** Channels of the last image group, {@code imageWidth·2^(imageGroups−1)}. */
  public int imageOutputWidth() {
    return imageWidth << (imageGroups - 1);
  }

  /** Side of the last image group's feature map. */
  public int imageOutputSize() {
    return imageSize >> (imageGroups - 1);
  }

  /** Bottleneck blocks in the image encoder. */
  public int imageLayers() {
    return imageGroups * blocksPerGroup;
  }

  /** Width of one text attention head. */
  public int textHeadSize() {
    return textWidth / textHeads;
  }

  /** Rows of the token embedding: the BPE ids, then one padding id per position. */
  public int textEmbeddingRows() {
    return TextTokens.embeddingVocabSize(textVocabSize, textLength);
  }

  /** This config with another text vocabulary, e.g. the tokenizer's. */
  public ClipConfig withTextVocabSize(int vocabSize) {
    return new ClipConfig(
        imageSize,
        imageWidth,
        imageGroups,
        blocksPerGroup,
        textLength,
        vocabSize,
        textWidth,
        textLayers,
        textHeads,
        embedDim);
  }

  /**
   * Checks that the numbers describe a buildable model.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public ClipConfig validate() {
    atLeast("image_width", imageWidth, 4);
    if (imageWidth % 4 != 0) {
      throw new IllegalArgumentException(
          "image_width is "
              + imageWidth
              + "; expected a multiple of 4 (bottleneck blocks are a quarter as wide inside)");
    }
    atLeast("image_groups", imageGroups, 1);
    if (imageGroups > 12) {
      throw new IllegalArgumentException(
          "image_groups is " + imageGroups + "; expected at most 12 (the image halves per group)");
    }
    atLeast("blocks_per_group", blocksPerGroup, 1);
    atLeast("image_size", imageSize, 1);
    int downsampling = 1 << (imageGroups - 1);
    if (imageSize % downsampling != 0) {
      throw new IllegalArgumentException(
          String.format(
              "image_size is %d; expected a multiple of %d, since %d groups halve the image %d"
                  + " times",
              imageSize, downsampling, imageGroups, imageGroups - 1));
    }
    atLeast("text_length", textLength, 1);
    atLeast("text_vocab_size", textVocabSize, 1);
    atLeast("text_layers", textLayers, 1);
    atLeast("text_heads", textHeads, 1);
    atLeast("text_width", textWidth, 1);
    if (textWidth % textHeads != 0) {
      throw new IllegalArgumentException(
          String.format(
              "text_width is %d; expected a multiple of text_heads (%d) so every head has the"
                  + " same width",
              textWidth, textHeads));
    }
    atLeast("embed_dim", embedDim, 1);
    return this;
  }

  private static void atLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " is " + value + "; expected at least " + minimum);
    }
  }
}

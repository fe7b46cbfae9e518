package org.dalle.models.dvae;

import java.io.Serializable;

/**
 * The shape of the discrete VAE (section 2.1 and appendix A.1 of the paper), scaled by
 * configuration.
 *
 * <p>The encoder halves the resolution between its {@code groups} groups, so the token grid is
 * {@code imageSize / 2^(groups - 1)} on a side ({@link #gridSize}). Group {@code g} (0-based) of
 * the encoder is {@code hiddenWidth * 2^g} channels wide and group {@code g} of the decoder {@code
 * hiddenWidth * 2^(groups - 1 - g)}, as in OpenAI's released {@code dall_e} package; every
 * bottleneck block's inner width is a quarter of its output width. The decoder's first 1×1
 * convolution maps the {@code vocabSize} relaxed one-hot channels to {@code decoderInputWidth}
 * channels ({@code n_init}, 128 in the released decoder).
 *
 * <p>Bound from YAML with snake_case names ({@code image_size}, {@code vocab_size}, ...). A missing
 * number binds to 0, which {@link #validate} rejects.
 *
 * @param imageSize side of the square input image, in pixels
 * @param channels colour channels of the input (3 for RGB)
 * @param vocabSize number of codebook entries (image-token vocabulary), 8192 in the paper
 * @param hiddenWidth {@code n_hid}: width of the first encoder group, 256 in the paper
 * @param decoderInputWidth {@code n_init}: width after the decoder's input convolution
 * @param blocksPerGroup bottleneck residual blocks per group, 2 in the paper
 * @param groups groups of blocks (resolutions), 4 in the paper
 */
public record DvaeConfig(
    int imageSize,
    int channels,
    int vocabSize,
    int hiddenWidth,
    int decoderInputWidth,
    int blocksPerGroup,
    int groups)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The paper's model: 256×256 RGB images to a 32×32 grid of 8192 codes. */
  public static DvaeConfig paper() {
    return new DvaeConfig(256, 3, 8192, 256, 128, 2, 4);
  }

  /**
   * A model that learns 32×32 synthetic shape images on a 2-core CPU in a few minutes: an 8×8 grid
   * of 512 codes, three groups of one block each.
   */
  public static DvaeConfig tiny() {
    return new DvaeConfig(32, 3, 512, 32, 64, 1, 3);
  }

  /** Side of the token grid: the image side after {@code groups - 1} halvings. */
  public int gridSize() {
    return imageSize >> (groups - 1);
  }

  /** Tokens per image: {@code gridSize²}. */
  public int tokensPerImage() {
    return gridSize() * gridSize();
  }

  /** Residual blocks in the encoder (and in the decoder): {@code groups * blocksPerGroup}. */
  public int layerCount() {
    return groups * blocksPerGroup;
  }

  /**
   * Multiplier of every residual path, {@code 1 / layerCount²}: it keeps each block close to the
   * identity at initialisation, so a deep stack trains without normalisation layers.
   */
  public float postGain() {
    return 1f / ((float) layerCount() * layerCount());
  }

  /** Output width of encoder group {@code group} (0-based). */
  public int encoderWidth(int group) {
    return hiddenWidth << group;
  }

  /** Output width of decoder group {@code group} (0-based): the encoder's widths reversed. */
  public int decoderWidth(int group) {
    return hiddenWidth << (groups - 1 - group);
  }

  /**
   * Checks that the numbers describe a buildable model.
   *
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public DvaeConfig validate() {
    atLeast("channels", channels, 1);
    atLeast("vocab_size", vocabSize, 2);
    atLeast("decoder_input_width", decoderInputWidth, 1);
    atLeast("blocks_per_group", blocksPerGroup, 1);
    atLeast("groups", groups, 1);
    if (groups > 16) {
      throw new IllegalArgumentException(
          "groups is " + groups + "; expected at most 16 (the image halves between groups)");
    }
    atLeast("hidden_width", hiddenWidth, 4);
    if (hiddenWidth % 4 != 0) {
      throw new IllegalArgumentException(
          "hidden_width is "
              + hiddenWidth
              + "; expected a multiple of 4 (bottleneck blocks are a quarter as wide inside)");
    }
    if ((long) hiddenWidth << (groups - 1) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "hidden_width " + hiddenWidth + " doubled over " + groups + " groups overflows an int");
    }
    atLeast("image_size", imageSize, 1);
    int downsampling = 1 << (groups - 1);
    if (imageSize % downsampling != 0) {
      throw new IllegalArgumentException(
          String.format(
              "image_size is %d; expected a multiple of %d, since %d groups halve the image %d"
                  + " times (e.g. image_size %d gives a %dx%d grid)",
              imageSize, downsampling, groups, groups - 1, downsampling * 8, 8, 8));
    }
    return this;
  }

  private static void atLeast(String name, int value, int minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(name + " is " + value + "; expected at least " + minimum);
    }
  }
}

package org.dalle.models.clip;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * An external CLIP-style model as a reranker (section 2.5 of the paper reranks with CLIP): a
 * TorchScript module with the methods {@code encode_image(image (N, 3, S, S) float)} and {@code
 * encode_text(text (N, L) int64)}, the layout of OpenAI CLIP's TorchScript export, called through
 * DJL's PyTorch engine ({@link IValueUtils#runMethod}). Captions are tokenised with a HuggingFace
 * {@code tokenizer.json} (for OpenAI CLIP: {@code openai/clip-vit-base-patch32}'s), with its
 * special tokens, cut to the context length and padded with {@link Options#padId()}.
 *
 * <p>A pair scores {@code s · cos(encode_image(x), encode_text(t))} with {@code s =
 * exp(logit_scale)} when the module has a top-level {@code logit_scale} parameter (CLIP's, 100 once
 * trained), else {@code s = 1}. Images are resized bilinearly to {@link Options#imageSize()} and
 * normalised per channel with the options' mean and standard deviation.
 */
public final class TorchScriptClipScorer implements ImageTextScorer {

  private static final String ENCODE_IMAGE = "encode_image";
  private static final String ENCODE_TEXT = "encode_text";

  /**
   * How the module expects its inputs.
   *
   * @param imageSize side of the input images (224 for OpenAI's ViT-B/32)
   * @param mean per-channel mean subtracted from pixels in [0, 1]
   * @param std per-channel standard deviation pixels are divided by
   * @param contextLength text positions (77 for OpenAI CLIP)
   * @param padId the id after the caption's tokens (0 for OpenAI CLIP)
   */
  public record Options(int imageSize, float[] mean, float[] std, int contextLength, long padId) {

    /** OpenAI CLIP's preprocessing at {@code imageSize}: its mean and std, 77 tokens, pad 0. */
    public static Options openAi(int imageSize) {
      return new Options(
          imageSize,
          new float[] {0.48145466f, 0.4578275f, 0.40821073f},
          new float[] {0.26862954f, 0.26130258f, 0.27577711f},
          77,
          0);
    }

    /**
     * @throws IllegalArgumentException naming the first bad value
     */
    public Options validate() {
      if (imageSize < 1) {
        throw new IllegalArgumentException("image size is " + imageSize + "; expected >= 1");
      }
      if (contextLength < 2) {
        throw new IllegalArgumentException(
            "context length is " + contextLength + "; expected >= 2 (start and end tokens)");
      }
      if (mean == null || mean.length != 3 || std == null || std.length != 3) {
        throw new IllegalArgumentException(
            "mean and std are "
                + Arrays.toString(mean)
                + " and "
                + Arrays.toString(std)
                + "; expected three values each (R, G, B)");
      }
      for (float s : std) {
        if (!(s > 0) || Float.isInfinite(s)) {
          throw new IllegalArgumentException(
              "std is " + Arrays.toString(std) + "; expected positive values");
        }
      }
      return this;
    }
  }

  private final Model model;
  private final PtSymbolBlock block;
  private final HuggingFaceTokenizer tokenizer;
  private final Path file;
  private final Options options;
  private final float logitScale;

  private TorchScriptClipScorer(
      Model model, HuggingFaceTokenizer tokenizer, Path file, Options options) {
    this.model = model;
    this.block = (PtSymbolBlock) model.getBlock();
    this.tokenizer = tokenizer;
    this.file = file;
    this.options = options;
    List<String> methods = Arrays.asList(JniUtils.getMethodNames(block));
    for (String method : List.of(ENCODE_IMAGE, ENCODE_TEXT)) {
      if (!methods.contains(method)) {
        throw new IllegalArgumentException(
            file
                + " has no method "
                + method
                + "; it has "
                + methods
                + ". Expected a CLIP-style"
                + " module with encode_image and encode_text (docs/train-clip.md explains how to export one)");
      }
    }
    Parameter scale = block.getDirectParameters().get("logit_scale");
    logitScale = scale == null ? 1f : (float) Math.exp(scale.getArray().getFloat());
  }

  /**
   * Loads the module in {@code module} and the tokenizer in {@code tokenizerJson}.
   *
   * @throws NoSuchFileException when a file does not exist
   * @throws IllegalArgumentException when the module is not TorchScript or lacks the two methods,
   *     or the options are invalid
   */
  public static TorchScriptClipScorer load(Path module, Path tokenizerJson, Options options)
      throws IOException {
    options.validate();
    for (Path path : List.of(module, tokenizerJson)) {
      if (!Files.isRegularFile(path)) {
        throw new NoSuchFileException(
            path.toString(),
            null,
            "no such file (a TorchScript CLIP module and its tokenizer.json)");
      }
    }
    HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(tokenizerJson)
            .optAddSpecialTokens(true)
            .optTruncation(true)
            .optMaxLength(options.contextLength())
            .optPadding(false)
            .build();
    Model model = Model.newInstance("clip", Device.cpu(), "PyTorch");
    try {
      model.load(module.toAbsolutePath());
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      tokenizer.close();
      throw new IllegalArgumentException(
          module + " could not be loaded as a TorchScript module: " + e.getMessage(), e);
    }
    try {
      return new TorchScriptClipScorer(model, tokenizer, module, options);
    } catch (RuntimeException e) {
      model.close();
      tokenizer.close();
      throw e;
    }
  }

  /** The multiplier of the cosine similarity: exp(logit_scale), or 1 without one. */
  public float logitScale() {
    return logitScale;
  }

  /** A caption's ids as the module reads them: special tokens, cut, padded, {@code (L)}. */
  public long[] tokenize(String caption) {
    long[] ids = tokenizer.encode(caption).getIds();
    long[] row = new long[options.contextLength()];
    Arrays.fill(row, options.padId());
    System.arraycopy(ids, 0, row, 0, Math.min(ids.length, row.length));
    return row;
  }

  @Override
  public float[] score(NDArray images, List<String> captions) {
    ImageBatch.requireSquareRgb(images);
    int n = Math.toIntExact(images.getShape().get(0));
    if (captions.size() != n) {
      throw new IllegalArgumentException(
          captions.size() + " captions for " + n + " images; expected one caption per image");
    }
    PairScores.Captions distinct = PairScores.Captions.of(captions);
    int length = options.contextLength();
    long[] ids = new long[distinct.texts().size() * length];
    for (int c = 0; c < distinct.texts().size(); c++) {
      System.arraycopy(tokenize(distinct.texts().get(c)), 0, ids, c * length, length);
    }
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray pixels =
          scope.create(
              images.toType(DataType.FLOAT32, false).toFloatArray(),
              images.getShape()); // (N, 3, S, S), copied into the module's engine
      NDArray input = normalise(ImageBatch.resize(pixels, options.imageSize()), scope);
      float[] imageEmbeddings = run(ENCODE_IMAGE, input, n, scope);
      NDArray text = scope.create(ids, new Shape(distinct.texts().size(), length));
      float[] textEmbeddings = run(ENCODE_TEXT, text, distinct.texts().size(), scope);
      int width = imageEmbeddings.length / n;
      if (textEmbeddings.length != width * distinct.texts().size()) {
        throw new IllegalStateException(
            String.format(
                "%s returns %d-wide image embeddings but %d-wide text embeddings; expected one"
                    + " shared width",
                file, width, textEmbeddings.length / distinct.texts().size()));
      }
      return PairScores.cosine(
          imageEmbeddings, textEmbeddings, distinct.captionOf(), width, logitScale);
    }
  }

  /** {@code (x − mean) / std} per channel, {@code (N, 3, S, S)}. */
  private NDArray normalise(NDArray images, NDManager scope) {
    NDArray mean = scope.create(options.mean(), new Shape(1, 3, 1, 1));
    NDArray std = scope.create(options.std(), new Shape(1, 3, 1, 1));
    return images.sub(mean).div(std);
  }

  /** Runs one method on a batch of {@code rows}; returns its (rows, D) output, row-major. */
  private float[] run(String method, NDArray input, int rows, NDManager scope) {
    try (IValue in = IValue.from((PtNDArray) input);
        IValue out = IValueUtils.runMethod(block, method, in)) {
      if (!out.isTensor()) {
        throw new IllegalStateException(
            file + "'s " + method + " returned " + out.getType() + "; expected one tensor (N, D)");
      }
      NDArray result = out.toTensor((PtNDManager) scope);
      Shape shape = result.getShape();
      if (shape.dimension() != 2 || shape.get(0) != rows) {
        throw new IllegalStateException(
            file
                + "'s "
                + method
                + " returned shape "
                + shape
                + " for "
                + rows
                + " inputs;"
                + " expected ("
                + rows
                + ", D)");
      }
      return result.toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  @Override
  public String describe() {
    return String.format(
        "torchscript-clip:%s (%dx%d images, %d text tokens, logit scale %.4g)",
        file, options.imageSize(), options.imageSize(), options.contextLength(), logitScale);
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
  }
}

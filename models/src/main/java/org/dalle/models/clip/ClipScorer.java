package org.dalle.models.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.CaptionText;
import org.dalle.models.tokenizer.TextTokens;

/**
 * The project's own contrastive model as a reranker (section 2.5 of the paper): scores a pair by
 * {@code s · cos(image embedding, caption embedding)}, the logit CLIP's loss is computed from.
 * Captions are normalised ({@link CaptionText}) and BPE-encoded as the training captions were.
 *
 * <p>Made by {@link ClipExport#read}; its weights live in a manager of its own that {@link #close}
 * frees.
 */
public final class ClipScorer implements ImageTextScorer {

  private final ClipModel model;
  private final BpeTokenizer tokenizer;
  private final NDManager weights;
  private final String origin;

  ClipScorer(ClipModel model, BpeTokenizer tokenizer, NDManager weights, String origin) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.weights = weights;
    this.origin = origin;
  }

  /**
   * A caption as the model reads it: normalised, BPE-encoded, cut to {@code textLength} and padded
   * with the per-position padding tokens ({@link TextTokens}).
   */
  public static long[] tokenize(BpeTokenizer tokenizer, String caption, int textLength) {
    int[] padded =
        TextTokens.pad(
            tokenizer.encode(CaptionText.normalize(caption)), textLength, tokenizer.vocabSize());
    long[] row = new long[padded.length];
    for (int i = 0; i < padded.length; i++) {
      row[i] = padded[i];
    }
    return row;
  }

  public ClipModel model() {
    return model;
  }

  public BpeTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Each distinct caption is encoded once, so N candidates of one caption cost one text pass.
   */
  @Override
  public float[] score(NDArray images, List<String> captions) {
    ImageBatch.requireSquareRgb(images);
    int n = Math.toIntExact(images.getShape().get(0));
    if (captions.size() != n) {
      throw new IllegalArgumentException(
          captions.size() + " captions for " + n + " images; expected one caption per image");
    }
    PairScores.Captions distinct = PairScores.Captions.of(captions);
    List<String> texts = distinct.texts();
    int length = model.config().textLength();
    long[] ids = new long[texts.size() * length];
    for (int c = 0; c < texts.size(); c++) {
      System.arraycopy(tokenize(tokenizer, texts.get(c), length), 0, ids, c * length, length);
    }
    try (NDManager scope = images.getManager().newSubManager()) {
      NDArray imageArray = model.imageEmbeddings(images); // (N, E), in the images' manager
      imageArray.attach(scope);
      NDArray idArray = scope.create(ids, new Shape(texts.size(), length));
      float[] textEmbeddings = model.textEmbeddings(idArray).toFloatArray(); // (C, E)
      float scale = model.logitScale(scope).getFloat(0);
      return PairScores.cosine(
          imageArray.toFloatArray(),
          textEmbeddings,
          distinct.captionOf(),
          model.config().embedDim(),
          scale);
    }
  }

  @Override
  public String describe() {
    ClipConfig c = model.config();
    return String.format(
        "clip:%s (own contrastive model, %d parameters, %dx%d images, %d text tokens)",
        origin, model.parameterCount(), c.imageSize(), c.imageSize(), c.textLength());
  }

  @Override
  public void close() {
    weights.close();
  }
}

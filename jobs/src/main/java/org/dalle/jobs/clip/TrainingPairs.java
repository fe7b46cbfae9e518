package org.dalle.jobs.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.models.clip.ClipScorer;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.pipelines.prepare.PreparedData;

/**
 * What a contrastive run reads before it trains: the prepared data's tokenizer and its (image,
 * caption) pairs in memory, the first {@code validation_images} (by record id) held out, and every
 * training caption's token ids.
 *
 * @param config the requested config with the tokenizer's vocabulary and path filled in
 * @param tokenizerJson the tokenizer's text, kept in every checkpoint and in the export
 * @param tokenizer the tokenizer, for the retrieval check at the end
 * @param train the pairs trained on
 * @param validation the pairs held out for the retrieval check
 * @param textIds each training caption's {@code text_length} token ids, one row after another
 */
record TrainingPairs(
    TrainClipConfig config,
    String tokenizerJson,
    BpeTokenizer tokenizer,
    CaptionedImages train,
    CaptionedImages validation,
    long[] textIds) {

  /** One batch: images {@code (B, 3, S, S)}, token ids {@code (B, T)} and the captions. */
  record Batch(NDArray images, NDArray text, List<String> captions) {}

  /** Reads the data of {@code requested}. */
  static TrainingPairs load(TrainClipConfig requested) throws IOException {
    PreparedData data = PreparedData.open(requested.data());
    String tokenizerJson = data.tokenizerJson();
    BpeTokenizer tokenizer = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    TrainClipConfig config =
        requested.withTokenizerVocabulary(tokenizer.vocabSize(), data.tokenizerPath());
    config.model().validate();
    CaptionedImages all = CaptionedImages.load(data, config.model().imageSize());
    int held = config.validationImages();
    int batchSize = config.training().batchSize();
    if (all.count() < held + batchSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d pairs; expected at least validation_images (%d) + batch_size (%d)",
              config.data(), all.count(), held, batchSize));
    }
    CaptionedImages train = all.range(held, all.count());
    int length = config.model().textLength();
    long[] ids = new long[train.count() * length];
    for (int i = 0; i < train.count(); i++) {
      long[] row = ClipScorer.tokenize(tokenizer, train.captions().get(i), length);
      System.arraycopy(row, 0, ids, i * length, length);
    }
    return new TrainingPairs(config, tokenizerJson, tokenizer, train, all.range(0, held), ids);
  }

  /** The pairs of {@code batch} (whose images are never mirrored), in {@code scope}. */
  Batch batch(BatchSampler.Batch batch, NDManager scope) {
    int b = batch.indices().length;
    int size = config.model().imageSize();
    int length = config.model().textLength();
    long[] text = new long[b * length];
    List<String> captions = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      int index = batch.indices()[i];
      System.arraycopy(textIds, index * length, text, i * length, length);
      captions.add(train.captions().get(index));
    }
    return new Batch(
        scope.create(train.images().pixels(batch), new Shape(b, 3, size, size)),
        scope.create(text, new Shape(b, length)),
        captions);
  }
}

package org.dalle.jobs.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
 * @param swaps the config's {@code negative_swaps}, which make the hard negative captions
 */
record TrainingPairs(
    TrainClipConfig config,
    String tokenizerJson,
    BpeTokenizer tokenizer,
    CaptionedImages train,
    CaptionedImages validation,
    long[] textIds,
    CaptionNegatives swaps) {

  /**
   * One batch: images {@code (B, 3, S, S)}, token ids {@code (B, T)}, the captions, and the token
   * ids of the hard negative captions {@code (K, T)} (null when the config swaps no words).
   */
  record Batch(NDArray images, NDArray text, List<String> captions, NDArray negatives) {}

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
    return new TrainingPairs(
        config,
        tokenizerJson,
        tokenizer,
        train,
        all.range(0, held),
        ids,
        new CaptionNegatives(config.negativeSwaps()));
  }

  /**
   * The pairs of {@code batch} (whose images are never mirrored), in {@code scope}, with a hard
   * negative for each caption that holds a swappable word (config {@code negative_swaps}); the
   * swaps are drawn from the run's seed and {@code step}, so a resumed run draws the same ones. A
   * negative that equals a caption of the batch is left out: it is that caption's positive.
   */
  Batch batch(BatchSampler.Batch batch, NDManager scope, long step) {
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
    NDArray negatives = null;
    if (!swaps.isEmpty()) {
      Random random = new Random(config.training().seed() * 1_000_003L + step);
      Set<String> batchCaptions = new HashSet<>(captions);
      Set<String> drawn = new LinkedHashSet<>();
      for (String caption : captions) {
        swaps
            .negative(caption, random)
            .filter(n -> !batchCaptions.contains(n))
            .ifPresent(drawn::add);
      }
      long[] ids = new long[drawn.size() * length];
      int row = 0;
      for (String negative : drawn) {
        long[] tokens = ClipScorer.tokenize(tokenizer, negative, length);
        System.arraycopy(tokens, 0, ids, row++ * length, length);
      }
      negatives = scope.create(ids, new Shape(drawn.size(), length));
    }
    return new Batch(
        scope.create(train.images().pixels(batch), new Shape(b, 3, size, size)),
        scope.create(text, new Shape(b, length)),
        captions,
        negatives);
  }
}

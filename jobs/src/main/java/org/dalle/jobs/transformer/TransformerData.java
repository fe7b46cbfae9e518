package org.dalle.jobs.transformer;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.pipelines.encode.EncodePipeline;
import org.dalle.pipelines.prepare.PreparedData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a transformer run reads before it trains: the tokenizer (the config's, or else the one of
 * the prepared data that the tokens' {@code run.json} names) and the tokenized examples, in memory.
 *
 * @param config the requested config with its tokenizer and text vocabulary resolved
 * @param tokenizerJson the tokenizer's text, kept in every checkpoint and in the export
 * @param batches builds each update's text and image tokens (with BPE dropout)
 * @param examples the training examples, at least a batch of them
 */
record TransformerData(
    TrainTransformerConfig config, String tokenizerJson, BatchBuilder batches, int examples) {
  private static final Logger LOG = LoggerFactory.getLogger(TransformerData.class);

  /** Finds the tokenizer and loads the tokens of {@code requested}. */
  static TransformerData load(TrainTransformerConfig requested) throws IOException {
    TrainTransformerConfig located = requested;
    if (requested.tokenizer() == null || requested.tokenizer().isBlank()) {
      // The tokens' run.json names the prepare output they were encoded from.
      PreparedData prepared = PreparedData.open(EncodePipeline.preparedData(requested.data()));
      located = requested.withTokenizer(prepared.tokenizerPath());
      LOG.info("train-transformer: tokenizer " + located.tokenizer() + " (of the prepared data)");
    }
    String tokenizerJson;
    try {
      tokenizerJson = PreparedData.readText(located.tokenizer());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          located.tokenizer() + " does not exist; expected the tokenizer.json of `dalle prepare`",
          e);
    }
    BpeTokenizer tokenizer = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    TrainTransformerConfig config = located.withTokenizerVocabulary(tokenizer.vocabSize());
    TokenizedDataset data = TokenizedDataset.load(Path.of(config.data()), config.model());
    int batchSize = config.training().batchSize();
    if (data.count() < batchSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d examples; expected at least batch_size (%d)",
              config.data(), data.count(), batchSize));
    }
    BatchBuilder batches =
        new BatchBuilder(
            data,
            tokenizer,
            config.bpeDropout(),
            config.model().textLength(),
            config.model().imageLength(),
            config.training().seed());
    return new TransformerData(config, tokenizerJson, batches, data.count());
  }
}

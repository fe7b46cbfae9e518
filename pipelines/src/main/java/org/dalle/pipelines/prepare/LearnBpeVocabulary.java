package org.dalle.pipelines.prepare;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;

/**
 * Learns a byte-level BPE vocabulary from normalised captions (Section 2.2 of the paper uses a BPE
 * vocabulary of 16,384 over lowercased captions). Beam does the word counting, which is where the
 * data volume is; the merges are then learned once from the distinct words and their counts. The
 * output is a single element: the HuggingFace {@code tokenizer.json} text.
 */
final class LearnBpeVocabulary extends PTransform<PCollection<String>, PCollection<String>> {
  private final int vocabSize;
  private final int minFrequency;

  LearnBpeVocabulary(int vocabSize, int minFrequency) {
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
  }

  @Override
  public PCollection<String> expand(PCollection<String> captions) {
    int size = vocabSize;
    int minCount = minFrequency;
    return captions
        .apply(
            "PreTokenize",
            FlatMapElements.into(TypeDescriptors.strings()).via(ByteLevelPreTokenizer::split))
        .apply("CountWords", Combine.globally(new WordCountsFn()))
        .apply(
            "TrainBpe",
            MapElements.into(TypeDescriptors.strings())
                .via(counts -> new BpeTrainer(size, minCount).train(counts).toTokenizerJson()));
  }

  /**
   * Counts words into one map for the single training step. Runners combine partial maps per bundle
   * before the final merge, so only distinct words travel; the merged map is what the BPE trainer
   * needs in memory anyway.
   */
  static final class WordCountsFn
      extends Combine.CombineFn<String, HashMap<String, Long>, Map<String, Long>> {
    @Override
    public HashMap<String, Long> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<String, Long> addInput(HashMap<String, Long> acc, String word) {
      acc.merge(word, 1L, Long::sum);
      return acc;
    }

    @Override
    public HashMap<String, Long> mergeAccumulators(Iterable<HashMap<String, Long>> accs) {
      HashMap<String, Long> merged = new HashMap<>();
      for (HashMap<String, Long> acc : accs) {
        acc.forEach((word, count) -> merged.merge(word, count, Long::sum));
      }
      return merged;
    }

    @Override
    public Map<String, Long> extractOutput(HashMap<String, Long> acc) {
      return acc;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Coder<HashMap<String, Long>> getAccumulatorCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      Coder<?> coder = MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
      return (Coder<HashMap<String, Long>>) coder;
    }

    @Override
    public Coder<Map<String, Long>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<String> inputCoder) {
      return MapCoder.of(StringUtf8Coder.of(), VarLongCoder.of());
    }
  }
}

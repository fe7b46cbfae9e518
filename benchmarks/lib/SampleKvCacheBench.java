import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;
import java.util.Random;
import org.dalle.models.transformer.PriorSampler;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.models.transformer.TokenSampler;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;

/**
 * This project's side of benchmarks/sample-kv-cache: image tokens per second when sampling whole
 * grids with the key/value-cached decoder (PriorSampler) and, on the same model and batch, with a
 * full forward pass over the prefix for every token (TransformerPrior.nextTokenLogits). The model
 * is the tiny config (4 layers, width 128, 32 text tokens, 512 codes) with the grid side varied.
 * Run with the runnable jar on the class path:
 * {@code java -cp jobs/target/dalle.jar SampleKvCacheBench.java BATCH REPEATS GRID...}.
 * Prints one {@code row} line per grid: grid, sequence length, cached and reference tokens/s.
 */
public class SampleKvCacheBench {

  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int repeats = Integer.parseInt(args[1]);
    for (int i = 2; i < args.length; i++) {
      int grid = Integer.parseInt(args[i]);
      TransformerConfig tiny = TransformerConfig.tiny();
      TransformerConfig config =
          new TransformerConfig(
              tiny.layers(), tiny.dModel(), tiny.heads(), tiny.textLength(), tiny.textVocabSize(),
              grid, tiny.imageVocabSize(), tiny.convKernel(), tiny.textLossWeight(),
              tiny.imageLossWeight(), tiny.dropout(), tiny.attention());
      try (NDManager manager = NDManager.newBaseManager()) {
        Engine.getInstance().setRandomSeed(0);
        TransformerPrior model = new TransformerPrior(config);
        model.initializeParameters(manager);
        NDArray text = text(manager, config, batch);
        SamplingOptions options = SamplingOptions.paper();
        // Warm-up until the JIT has settled: a few whole grids each way.
        for (int r = 0; r < 3; r++) {
          PriorSampler.sampleImages(model, text, null, options, r).close();
        }
        full(model, text, options, 0, config.imageLength());
        // Alternate the two so that a change in machine load hits both alike, and take the
        // median grid time of each side: a grid of the cached path lasts a fraction of a second,
        // so one burst of other work on this 2-core machine would otherwise swing the mean.
        long[] cachedNanos = new long[repeats];
        long[] referenceNanos = new long[repeats];
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          PriorSampler.sampleImages(model, text, null, options, r).close();
          long t1 = System.nanoTime();
          full(model, text, options, r, config.imageLength());
          long t2 = System.nanoTime();
          cachedNanos[r] = t1 - t0;
          referenceNanos[r] = t2 - t1;
        }
        double tokens = (double) batch * config.imageLength();
        double cached = tokens / (median(cachedNanos) / 1e9);
        double reference = tokens / (median(referenceNanos) / 1e9);
        System.out.printf(
            Locale.ROOT, "row %d %d %.1f %.1f%n", grid, config.sequenceLength(), cached, reference);
      }
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  /** Random captions: 12 BPE ids, then padding. */
  private static NDArray text(NDManager manager, TransformerConfig config, int batch) {
    Random random = new Random(1);
    long[] ids = new long[batch * config.textLength()];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < config.textLength(); i++) {
        ids[b * config.textLength() + i] =
            i < 12 ? random.nextInt(config.textVocabSize()) : config.textVocabSize() + i;
      }
    }
    return manager.create(ids, new Shape(batch, config.textLength()));
  }

  /** Samples the first {@code tokens} image tokens, each from a full pass over its prefix. */
  private static void full(
      TransformerPrior model, NDArray text, SamplingOptions options, long seed, int tokens) {
    int batch = Math.toIntExact(text.getShape().get(0));
    TokenSampler sampler = new TokenSampler(options, batch, seed);
    try (NDManager scope = text.getManager().newSubManager()) {
      NDArray prefix = text.duplicate();
      prefix.attach(scope);
      for (int i = 0; i < tokens; i++) {
        try (NDManager step = scope.newSubManager()) {
          prefix.tempAttach(step);
          NDArray next = sampler.sample(model.nextTokenLogits(prefix)).reshape(batch, 1);
          NDArray longer = prefix.concat(next, 1);
          longer.attach(scope);
          prefix = longer;
        }
      }
    }
  }
}

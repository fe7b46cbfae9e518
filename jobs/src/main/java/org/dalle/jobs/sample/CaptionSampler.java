package org.dalle.jobs.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.PriorSampler;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.dalle.pipelines.prepare.CaptionNormalizer;

/**
 * The sampling job (section 2.3 of the paper, without reranking): for every caption, {@code count}
 * image-token grids drawn from the prior with the cached decoder, decoded by the dVAE into images.
 * Captions are normalised and tokenised as the prepare stage did for training.
 *
 * <p>The (caption, sample) pairs are decoded in order, {@code batchSize} at a time; batch {@code k}
 * draws from a seed derived from the run's seed and {@code k}, so the same seed and settings give
 * the same images. Outputs are written by {@link SampleOutput} in a staging directory that is
 * renamed into place.
 */
public final class CaptionSampler {

  /**
   * What a run wrote.
   *
   * @param out the output directory
   * @param images PNGs written
   * @param imageTokensPerSecond sampled image tokens per second (decoder only, dVAE excluded)
   */
  public record Result(Path out, int images, double imageTokensPerSecond) {}

  private CaptionSampler() {}

  /**
   * Samples, decodes and writes.
   *
   * @param overwrite replace an existing output directory
   * @throws IllegalStateException when the output exists and {@code overwrite} is false
   * @throws IllegalArgumentException when the models or the prefix image do not fit together
   */
  public static Result run(SampleConfig config, boolean overwrite, PrintStream log)
      throws IOException {
    config.validate();
    Path out = Path.of(config.out());
    if (Files.exists(out) && !overwrite) {
      throw new IllegalStateException(out + " already exists; pass --overwrite to replace it");
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      PriorExport.Loaded prior = PriorExport.read(Path.of(config.transformer()), manager);
      TransformerPrior model = prior.model();
      TransformerConfig shape = model.config();
      DiscreteVae dvae = DvaeExport.read(Path.of(config.dvae()), manager);
      checkCompatible(shape, dvae.config(), config);
      int grid = shape.gridSize();
      long[] known = null;
      if (config.prefixImage() != null) {
        known = PrefixImage.tokens(Path.of(config.prefixImage()), dvae, config.keepRows(), manager);
      }
      List<long[]> texts = new ArrayList<>();
      for (String caption : config.captions()) {
        texts.add(textTokens(prior.tokenizer(), caption, shape));
      }

      SampleOutput output = SampleOutput.begin(out, config, grid, dvae.config().imageSize());
      int total = config.captions().size() * config.count();
      long sampled = 0;
      long nanos = 0;
      boolean committed = false;
      try {
        for (int start = 0, batchIndex = 0;
            start < total;
            start += config.batchSize(), batchIndex++) {
          int b = Math.min(config.batchSize(), total - start);
          try (NDManager scope = manager.newSubManager()) {
            long[] text = new long[b * shape.textLength()];
            for (int i = 0; i < b; i++) {
              long[] row = texts.get((start + i) / config.count());
              System.arraycopy(row, 0, text, i * row.length, row.length);
            }
            NDArray textArray = scope.create(text, new Shape(b, shape.textLength()));
            NDArray knownArray = null;
            if (known != null) {
              long[] prefix = new long[b * known.length];
              for (int i = 0; i < b; i++) {
                System.arraycopy(known, 0, prefix, i * known.length, known.length);
              }
              knownArray = scope.create(prefix, new Shape(b, known.length));
            }
            long t0 = System.nanoTime();
            NDArray tokens =
                PriorSampler.sampleImages(
                    model,
                    textArray,
                    knownArray,
                    config.sampling(),
                    batchSeed(config.seed(), batchIndex));
            nanos += System.nanoTime() - t0;
            sampled += (long) b * (shape.imageLength() - (known == null ? 0 : known.length));
            float[] pixels = dvae.decode(tokens.reshape(b, grid, grid)).toFloatArray();
            long[] codes = tokens.toLongArray();
            for (int i = 0; i < b; i++) {
              int pair = start + i;
              output.add(
                  pair / config.count(),
                  pair % config.count(),
                  slice(pixels, i, 3 * dvae.config().imageSize() * dvae.config().imageSize()),
                  slice(codes, i, shape.imageLength()));
            }
          }
          log.printf("sample: %d of %d images%n", Math.min(start + b, total), total);
        }
        output.commit(overwrite);
        committed = true;
      } finally {
        if (!committed) {
          output.abort();
        }
      }
      return new Result(out, total, sampled / (nanos / 1e9));
    }
  }

  /** The seed of batch {@code index}: independent streams for neighbouring batches. */
  static long batchSeed(long seed, int index) {
    SplittableRandom root = new SplittableRandom(seed);
    long value = 0;
    for (int i = 0; i <= index; i++) {
      value = root.split().nextLong();
    }
    return value;
  }

  /** The caption normalised as the prepare stage does, BPE-encoded and padded. */
  static long[] textTokens(BpeTokenizer tokenizer, String caption, TransformerConfig shape) {
    int[] ids =
        TextTokens.pad(
            tokenizer.encode(CaptionNormalizer.normalize(caption)),
            shape.textLength(),
            tokenizer.vocabSize());
    long[] row = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      row[i] = ids[i];
    }
    return row;
  }

  private static void checkCompatible(TransformerConfig prior, DvaeConfig dvae, SampleConfig c) {
    if (dvae.gridSize() != prior.gridSize() || dvae.vocabSize() != prior.imageVocabSize()) {
      throw new IllegalArgumentException(
          String.format(
              "the dVAE in %s has a %dx%d grid of %d codes but the transformer in %s models a"
                  + " %dx%d grid of %d codes; use the dVAE whose tokens the transformer was trained"
                  + " on",
              c.dvae(),
              dvae.gridSize(),
              dvae.gridSize(),
              dvae.vocabSize(),
              c.transformer(),
              prior.gridSize(),
              prior.gridSize(),
              prior.imageVocabSize()));
    }
    if (c.prefixImage() != null && c.keepRows() >= prior.gridSize()) {
      throw new IllegalArgumentException(
          String.format(
              "--keep-rows is %d; expected 1..%d so that rows of the %dx%d grid are left to sample",
              c.keepRows(), prior.gridSize() - 1, prior.gridSize(), prior.gridSize()));
    }
  }

  private static float[] slice(float[] values, int index, int length) {
    float[] out = new float[length];
    System.arraycopy(values, index * length, out, 0, length);
    return out;
  }

  private static long[] slice(long[] values, int index, int length) {
    long[] out = new long[length];
    System.arraycopy(values, index * length, out, 0, length);
    return out;
  }

  /** Channel-major floats in [0, 1], {@code (3, S, S)}, as an RGB image. */
  static BufferedImage toImage(float[] pixels, int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int at = y * size + x;
        int r = toByte(pixels[at]);
        int g = toByte(pixels[at + plane]);
        int b = toByte(pixels[at + 2 * plane]);
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  private static int toByte(float value) {
    return Math.round(Math.min(1f, Math.max(0f, value)) * 255f);
  }
}

package org.dalle.jobs.sample;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.dalle.pipelines.encode.ImagePixels;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.Sample;

/** A tiny transformer and dVAE export pair, a reranker test double, and readers of the output. */
final class SampleFixtures {

  /** 16×16 images, a 4×4 grid of 16 codes. */
  static final DvaeConfig DVAE = new DvaeConfig(16, 3, 16, 8, 16, 1, 3);

  /** Where {@link #writeModels} put the exports. */
  record Models(Path transformer, Path dvae) {}

  private SampleFixtures() {}

  /**
   * Writes a randomly initialised tiny prior (BPE over "red circle") and dVAE under {@code dir}.
   */
  static Models writeModels(Path dir) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    BpeModel bpe =
        new BpeTrainer(270, 1)
            .train(
                Map.of(
                    ByteLevelPreTokenizer.split("red").get(0),
                    3L,
                    ByteLevelPreTokenizer.split(" circle").get(0),
                    3L));
    TransformerConfig shape =
        new TransformerConfig(
            2, 16, 2, 6, bpe.vocabSize(), 4, 16, 3, 0.125f, 0.875f, 0f, AttentionSchedule.SPARSE);
    Models models = new Models(dir.resolve("transformer"), dir.resolve("dvae"));
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      TransformerPrior prior = new TransformerPrior(shape);
      prior.initializeParameters(manager);
      PriorExport.write(prior, bpe.toTokenizerJson(), models.transformer());
      DiscreteVae vae = new DiscreteVae(DVAE);
      vae.initializeParameters(manager);
      DvaeExport.write(vae, models.dvae());
    }
    return models;
  }

  /** The records of a {@code samples.avro} file or of every {@code .avro} file of a directory. */
  static List<Sample> readSamples(Path fileOrDir) throws IOException {
    List<Path> files =
        fileOrDir.toFile().isDirectory()
            ? java.nio.file.Files.list(fileOrDir)
                .filter(p -> p.toString().endsWith(".avro"))
                .sorted()
                .toList()
            : List.of(fileOrDir);
    List<Sample> samples = new ArrayList<>();
    for (Path file : files) {
      try (DataFileReader<Sample> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Sample.class))) {
        reader.forEach(samples::add);
      }
    }
    return samples;
  }

  /** The redness of a sample's own PNG, as {@link Redness} scores it. */
  static float rednessOf(Sample sample) {
    ByteBuffer copy = sample.getImagePng().duplicate();
    byte[] png = new byte[copy.remaining()];
    copy.get(png);
    return Redness.of(ImagePixels.channelsFirst(PngCodec.decode(png)), 0, 16 * 16);
  }

  /**
   * A deterministic reranker for tests: an image's score is its mean red minus the mean of its
   * green and blue, whatever the caption — so the best-ranked images are the reddest.
   */
  static final class Redness implements ImageTextScorer {
    int calls;

    /** Opens a {@link Redness} on a Beam worker. */
    static final RerankerLoader.Factory FACTORY = Redness::new;

    @Override
    public float[] score(NDArray images, List<String> captions) {
      long n = images.getShape().get(0);
      if (images.getShape().dimension() != 4 || images.getShape().get(1) != 3) {
        throw new IllegalArgumentException("images are " + images.getShape());
      }
      if (captions.size() != n) {
        throw new IllegalArgumentException(captions.size() + " captions for " + n + " images");
      }
      calls++;
      int plane = Math.toIntExact(images.getShape().get(2) * images.getShape().get(3));
      float[] pixels = images.toFloatArray();
      float[] scores = new float[(int) n];
      for (int i = 0; i < n; i++) {
        scores[i] = of(pixels, i * 3 * plane, plane);
      }
      return scores;
    }

    static float of(float[] pixels, int offset, int plane) {
      double red = 0;
      double others = 0;
      for (int p = 0; p < plane; p++) {
        red += pixels[offset + p];
        others += pixels[offset + plane + p] + pixels[offset + 2 * plane + p];
      }
      return (float) ((red - others / 2) / plane);
    }

    @Override
    public String describe() {
      return "redness test double";
    }

    @Override
    public void close() {}
  }
}

package org.dalle.pipelines.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.CaptionedImage;

/** Small prepared images and a randomly initialised tiny dVAE, exported, for the encode tests. */
final class EncodeFixtures {
  private EncodeFixtures() {}

  /** Exports a tiny dVAE with weights drawn from {@code seed} to {@code dir}. */
  static void exportTinyDvae(Path dir, int seed) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(seed);
    try (NDManager manager = engine.newBaseManager()) {
      DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
      model.initializeParameters(manager);
      DvaeExport.write(model, dir);
    }
  }

  /** A noisy colour image: random blocks, so a random encoder spreads it over many codes. */
  static BufferedImage image(int size, int seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  static CaptionedImage record(String id, BufferedImage image) {
    return record(id, PngCodec.encode(image), image.getWidth());
  }

  static CaptionedImage record(String id, byte[] png, int size) {
    return CaptionedImage.newBuilder()
        .setId(id)
        .setCaption("a caption of " + id)
        .setImagePng(ByteBuffer.wrap(png))
        .setWidth(size)
        .setHeight(size)
        .setSource("test")
        .setSourceKey("key-" + id)
        .setSha256("0")
        .setPhash(0L)
        .setAttributes(Map.of("name", id))
        .setTextTokens(List.of(id.length(), 7, 300, 301))
        .build();
  }

  /**
   * The reference result: each image alone through {@link DiscreteVae#encode}, with its own pixel
   * conversion, no batching and no Beam.
   */
  static int[] encodeAlone(Path export, BufferedImage image) throws IOException {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      DiscreteVae model = DvaeExport.read(export, manager);
      int size = image.getWidth();
      float[] pixels = new float[3 * size * size];
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int rgb = image.getRGB(x, y);
          for (int c = 0; c < 3; c++) {
            pixels[(c * size + y) * size + x] = ((rgb >> (16 - 8 * c)) & 0xff) / 255f;
          }
        }
      }
      return model.encode(manager.create(pixels, new Shape(1, 3, size, size))).toIntArray();
    }
  }
}

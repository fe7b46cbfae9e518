package org.dalle.evaluation.protocols;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.schemas.CaptionedImage;

/** Small images, image folders and Avro files for the feature pipeline tests. */
final class FeatureFixtures {
  /** Side the tiny test networks resize to. */
  static final int SIZE = 11;

  private FeatureFixtures() {}

  /** The tiny TorchScript network (1×1 conv, ReLU, pool; 4 features), copied into {@code dir}. */
  static Path tinyNetwork(Path dir, boolean withLogits) throws IOException {
    String name = withLogits ? "tiny_feature_net_logits.pt" : "tiny_feature_net.pt";
    Path file = dir.resolve(name);
    try (InputStream in =
        FeatureFixtures.class.getResourceAsStream("/org/dalle/evaluation/features/" + name)) {
      Files.write(file, in.readAllBytes());
    }
    return file;
  }

  static String spec(Path network) {
    return "torchscript:" + network + "@" + SIZE;
  }

  /** A colourful image whose content depends on {@code seed}. */
  static BufferedImage image(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / Math.max(1, width - 1) + seed * 40) & 0xff;
        int g = (y * 255 / Math.max(1, height - 1) + seed * seed * 7) & 0xff;
        int b = ((x * y + seed) * 37 + seed * 90) & 0xff;
        image.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /** {@code count} PNG files img00.png … in a new folder. */
  static Path folder(Path dir, String name, int count, int firstSeed) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    for (int i = 0; i < count; i++) {
      BufferedImage image = image(12 + i % 5, 10 + (i * 3) % 7, firstSeed + i);
      Files.write(folder.resolve(String.format("img%02d.png", i)), png(image));
    }
    return folder;
  }

  /** CaptionedImage records with the PNGs of {@code folder}'s files, keyed by file name. */
  static Path captionedImages(Path file, List<Path> images, byte[] extraBrokenImage)
      throws IOException {
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), file.toFile());
      for (Path image : images) {
        writer.append(record(image.getFileName().toString(), Files.readAllBytes(image)));
      }
      if (extraBrokenImage != null) {
        writer.append(record("broken", extraBrokenImage));
      }
    }
    return file;
  }

  private static CaptionedImage record(String id, byte[] png) {
    return CaptionedImage.newBuilder()
        .setId(id)
        .setCaption("a test image")
        .setImagePng(ByteBuffer.wrap(png))
        .setWidth(1)
        .setHeight(1)
        .setSource("folder")
        .setSourceKey(id)
        .setSha256("0")
        .setPhash(0)
        .setAttributes(Map.of())
        .setTextTokens(List.of())
        .build();
  }

  static PipelineOptions directRunner(int parallelism) {
    return PipelineOptionsFactory.fromArgs(
            "--runner=DirectRunner", "--targetParallelism=" + parallelism)
        .create();
  }
}

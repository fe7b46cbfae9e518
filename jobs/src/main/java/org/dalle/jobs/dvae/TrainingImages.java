package org.dalle.jobs.dvae;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.CaptionedImage;

/**
 * Square RGB images held in memory as one float array, channel-major per image ({@code (N, 3, S,
 * S)}, values in [0, 1]), ready to be copied into batches.
 *
 * <p>The dVAE job loads the whole prepare output this way: the tiny config's 4000 images of 32×32
 * take 49 MB. A dataset that does not fit in memory needs a streaming reader instead; this class
 * rejects more than {@link Integer#MAX_VALUE} floats with a message saying so.
 */
public final class TrainingImages {

  private static final int CHANNELS = 3;

  private final float[] pixels;
  private final int count;
  private final int size;

  TrainingImages(float[] pixels, int count, int size) {
    if ((long) count * CHANNELS * size * size != pixels.length) {
      throw new IllegalArgumentException(
          pixels.length + " floats are not " + count + " images of 3x" + size + "x" + size);
    }
    this.pixels = pixels;
    this.count = count;
    this.size = size;
  }

  /**
   * Reads every {@code CaptionedImage} of {@code dataDir/images/*.avro}, in file-name order and
   * record order within a file, so the same data always gives the same indices.
   *
   * @throws IllegalArgumentException when there are no images or one is not {@code size}×{@code
   *     size}
   */
  public static TrainingImages load(Path dataDir, int size) throws IOException {
    Path imagesDir = dataDir.resolve("images");
    if (!Files.isDirectory(imagesDir)) {
      throw new IllegalArgumentException(
          imagesDir + " does not exist; expected the output of `dalle prepare` in " + dataDir);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(imagesDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".avro")).sorted().toList();
    }
    // Ordered by record id, not by shard: a runner names and fills shards differently on every
    // run, and the order fixes which images each step sees, so a re-prepared dataset trains alike.
    Map<String, BufferedImage> byId = new TreeMap<>();
    for (Path file : files) {
      try (DataFileReader<CaptionedImage> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(CaptionedImage.class))) {
        CaptionedImage record = null;
        while (reader.hasNext()) {
          record = reader.next(record);
          byId.put(record.getId(), decode(record, file, size));
        }
      }
    }
    List<BufferedImage> images = new ArrayList<>(byId.values());
    if (images.isEmpty()) {
      throw new IllegalArgumentException(
          "no images in " + imagesDir + "/*.avro; expected the output of `dalle prepare`");
    }
    long floats = (long) images.size() * CHANNELS * size * size;
    if (floats > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          images.size() + " images of " + size + "x" + size + " do not fit in one in-memory array");
    }
    float[] pixels = new float[(int) floats];
    int plane = size * size;
    for (int i = 0; i < images.size(); i++) {
      BufferedImage image = images.get(i);
      int base = i * CHANNELS * plane;
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          int rgb = image.getRGB(x, y);
          int at = base + y * size + x;
          pixels[at] = ((rgb >> 16) & 0xff) / 255f;
          pixels[at + plane] = ((rgb >> 8) & 0xff) / 255f;
          pixels[at + 2 * plane] = (rgb & 0xff) / 255f;
        }
      }
    }
    return new TrainingImages(pixels, images.size(), size);
  }

  private static BufferedImage decode(CaptionedImage record, Path file, int size) {
    ByteBuffer buffer = record.getImagePng();
    byte[] png = new byte[buffer.remaining()];
    buffer.duplicate().get(png);
    BufferedImage image = PngCodec.decode(png);
    if (image.getWidth() != size || image.getHeight() != size) {
      throw new IllegalArgumentException(
          String.format(
              "image %s in %s is %dx%d; expected %dx%d (the model's image_size): prepare with"
                  + " --image-size %d or change model.image_size",
              record.getId(), file, image.getWidth(), image.getHeight(), size, size, size));
    }
    return image;
  }

  public int count() {
    return count;
  }

  public int size() {
    return size;
  }

  /** Floats per image: {@code 3·S²}. */
  public int imageFloats() {
    return CHANNELS * size * size;
  }

  /** The images {@code [from, to)} as a new set. */
  public TrainingImages range(int from, int to) {
    if (from < 0 || to > count || from > to) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") is outside the " + count + " images");
    }
    float[] part = new float[(to - from) * imageFloats()];
    System.arraycopy(pixels, from * imageFloats(), part, 0, part.length);
    return new TrainingImages(part, to - from, size);
  }

  /**
   * Copies image {@code index} into {@code target} at {@code offset}, mirrored left-right when
   * {@code flip} is set.
   */
  public void copyTo(int index, boolean flip, float[] target, int offset) {
    int from = index * imageFloats();
    if (!flip) {
      System.arraycopy(pixels, from, target, offset, imageFloats());
      return;
    }
    for (int row = 0; row < CHANNELS * size; row++) {
      int in = from + row * size;
      int out = offset + row * size;
      for (int x = 0; x < size; x++) {
        target[out + x] = pixels[in + size - 1 - x];
      }
    }
  }

  /** All images, unflipped, as one {@code (N, 3, S, S)} array. */
  public float[] all() {
    return pixels.clone();
  }
}

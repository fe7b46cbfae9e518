package org.dalle.pipelines.image;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Prints rough single-thread timings (thread CPU time) of the prepare pipeline's per-image work on
 * photo-like 1024 x 768 JPEGs: decode, resize to 256 with each filter, PNG encoding with each row
 * filter and deflate setting, PNG decoding, digest and pHash, and the default decode + resize +
 * encode chain. A program, not a test (no JUnit, no assertions): run its {@code main} on the
 * pipelines test classpath, e.g. after {@code mvn -pl pipelines test-compile}:
 *
 * <pre>
 * java -cp pipelines/target/classes:pipelines/target/test-classes:TWELVEMONKEYS_JARS \
 *   org.dalle.pipelines.image.ImagePipelineBenchmark
 * </pre>
 *
 * <p>or {@code mvn -pl pipelines exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.dalle.pipelines.image.ImagePipelineBenchmark} where the exec plugin is
 * available.
 */
public final class ImagePipelineBenchmark {
  private static final int IMAGES = 24;
  private static final int ROUNDS = 5;
  private static final int[][] DEFLATE_SETTINGS = {
    {1, Deflater.DEFAULT_STRATEGY},
    {3, Deflater.DEFAULT_STRATEGY},
    {6, Deflater.DEFAULT_STRATEGY},
    {Deflater.DEFAULT_COMPRESSION, Deflater.HUFFMAN_ONLY}
  };

  private ImagePipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<byte[]> jpegs = new ArrayList<>();
    long jpegBytes = 0;
    for (int i = 0; i < IMAGES; i++) {
      byte[] jpeg = TestImages.jpeg(TestImages.photoLike(1024, 768, i), 0.9f);
      jpegs.add(jpeg);
      jpegBytes += jpeg.length;
    }
    System.out.printf(
        Locale.ROOT, "%d JPEGs 1024x768, mean %d bytes%n", IMAGES, jpegBytes / IMAGES);
    ImageDecoder decoder = new ImageDecoder(100_000_000);
    List<BufferedImage> decoded = new ArrayList<>();
    for (byte[] jpeg : jpegs) {
      decoded.add(decoder.decode(jpeg));
    }
    List<BufferedImage> resized = new ArrayList<>();
    for (BufferedImage image : decoded) {
      resized.add(SquareResizer.resizeAndCenterCrop(image, 256));
    }

    for (int round = 0; round < ROUNDS; round++) {
      boolean report = round == ROUNDS - 1; // earlier rounds warm the JIT up
      time(report, "decode JPEG", () -> jpegs.forEach(j -> rethrow(() -> decoder.decode(j))));
      for (ResampleFilter filter : ResampleFilter.values()) {
        time(
            report,
            "resize+crop to 256, " + filter,
            () -> decoded.forEach(d -> SquareResizer.resizeAndCenterCrop(d, 256, filter)));
      }
      for (PngRowFilter filter : PngRowFilter.values()) {
        for (int[] deflate : DEFLATE_SETTINGS) {
          long bytes = 0;
          long start = cpuNanos();
          for (BufferedImage image : resized) {
            bytes += PngCodec.encode(image, filter, deflate[0], deflate[1]).length;
          }
          if (report) {
            System.out.printf(
                Locale.ROOT,
                "%-40s %7.2f ms/image, %6d bytes/image%n",
                "PNG encode 256x256, "
                    + filter
                    + (deflate[1] == Deflater.HUFFMAN_ONLY
                        ? " huffman-only"
                        : " level " + deflate[0]),
                (cpuNanos() - start) / 1e6 / IMAGES,
                bytes / IMAGES);
          }
        }
      }
      List<byte[]> pngs = new ArrayList<>();
      resized.forEach(r -> pngs.add(PngCodec.encode(r)));
      time(report, "PNG decode 256x256", () -> pngs.forEach(PngCodec::decode));
      time(report, "pixel digest 256x256", () -> resized.forEach(PixelDigest::sha256));
      time(report, "pHash 256x256", () -> resized.forEach(PerceptualHash::of));
      time(
          report,
          "decode + resize + PNG encode (defaults)",
          () ->
              jpegs.forEach(
                  j ->
                      rethrow(
                          () ->
                              PngCodec.encode(
                                  SquareResizer.resizeAndCenterCrop(decoder.decode(j), 256)))));
    }
  }

  private static void time(boolean report, String what, Runnable work) {
    long start = cpuNanos();
    work.run();
    if (report) {
      System.out.printf(
          Locale.ROOT, "%-40s %7.2f ms/image%n", what, (cpuNanos() - start) / 1e6 / IMAGES);
    }
  }

  /** CPU time of this thread: steadier than wall time on a machine shared with other work. */
  private static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  private interface Work {
    Object run() throws Exception;
  }

  private static void rethrow(Work work) {
    try {
      work.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

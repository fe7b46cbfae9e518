package org.dalle.evaluation.blur;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.dalle.evaluation.protocols.BlurRadii;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PilGaussianBlur} against PIL's {@code ImageFilter.GaussianBlur} itself, run by Debian's
 * {@code /usr/bin/python3} with {@code python3-pil} (CI installs it; the test is skipped, saying
 * so, only where that package is missing): random noise, hard edges, a small picture and sizes
 * smaller than the blur, at radii from 0 to 8, must agree within one 8-bit level on every pixel and
 * channel.
 */
class PilGaussianBlurAgreementTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final double[] RADII = {0, 0.5, 1, 2, 3.5, 5, 8};

  @TempDir Path dir;

  @Test
  void agreesWithPilWithinOneLevelOnEveryPixel() throws Exception {
    assumeTrue(
        pilAvailable(),
        "skipped: no PIL for " + PYTHON + "; install Debian's python3-pil to compare with it");
    Path in = Files.createDirectories(dir.resolve("in"));
    Map<String, BufferedImage> images = images();
    for (Map.Entry<String, BufferedImage> image : images.entrySet()) {
      assertTrue(
          ImageIO.write(image.getValue(), "png", in.resolve(image.getKey() + ".png").toFile()));
    }
    Path out = dir.resolve("out");
    List<String> labels = new ArrayList<>();
    for (double radius : RADII) {
      labels.add(BlurRadii.label(radius));
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString()));
    command.addAll(List.of(in.toString(), out.toString()));
    command.addAll(labels);
    String version = run(command);

    StringBuilder report = new StringBuilder(version.strip());
    for (int r = 0; r < RADII.length; r++) {
      PilGaussianBlur blur = PilGaussianBlur.ofRadius(RADII[r]);
      int worst = 0;
      long differing = 0;
      long compared = 0;
      for (Map.Entry<String, BufferedImage> image : images.entrySet()) {
        Path pilFile = out.resolve(image.getKey() + "_r" + labels.get(r) + ".png");
        BufferedImage pil = ImageIO.read(pilFile.toFile());
        BufferedImage ours = blur.image(image.getValue());
        assertEquals(ours.getWidth(), pil.getWidth(), pilFile.toString());
        assertEquals(ours.getHeight(), pil.getHeight(), pilFile.toString());
        for (int y = 0; y < ours.getHeight(); y++) {
          for (int x = 0; x < ours.getWidth(); x++) {
            for (int shift = 0; shift <= 16; shift += 8) {
              int a = (ours.getRGB(x, y) >> shift) & 0xff;
              int b = (pil.getRGB(x, y) >> shift) & 0xff;
              int difference = Math.abs(a - b);
              compared++;
              differing += difference == 0 ? 0 : 1;
              worst = Math.max(worst, difference);
              assertTrue(
                  difference <= 1,
                  image.getKey()
                      + " at radius "
                      + labels.get(r)
                      + ", pixel ("
                      + x
                      + ", "
                      + y
                      + "), channel shift "
                      + shift
                      + ": Java "
                      + a
                      + ", PIL "
                      + b);
            }
          }
        }
      }
      report.append(
          String.format(
              "%n  radius %s: max |Java - PIL| = %d, %d of %d channel values differ",
              labels.get(r), worst, differing, compared));
    }
    System.out.println("PilGaussianBlur against " + report);
  }

  /** Noise, hard edges, a small picture, odd sizes and images smaller than the widest blur. */
  static Map<String, BufferedImage> images() {
    Map<String, BufferedImage> images = new LinkedHashMap<>();
    images.put("noise_37x23", noise(37, 23, 1));
    images.put("noise_5x3", noise(5, 3, 2));
    images.put("noise_1x9", noise(1, 9, 3));
    images.put("edges_40x31", edges(40, 31));
    images.put("picture_64x48", picture(64, 48));
    return images;
  }

  private static BufferedImage noise(int width, int height, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return image;
  }

  /** Black and white halves in red, top and bottom in green, a diagonal in blue. */
  private static BufferedImage edges(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int red = x < width / 2 ? 0 : 255;
        int green = y < height / 3 ? 255 : 0;
        int blue = x > y ? 200 : 17;
        image.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
    return image;
  }

  /** A sky gradient, a sun, a textured field and a tree trunk: smooth areas and edges. */
  private static BufferedImage picture(int width, int height) {
    Random random = new Random(7);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int horizon = height * 2 / 3;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int red;
        int green;
        int blue;
        if (y < horizon) {
          red = 90 + y * 2;
          green = 150 + y;
          blue = 235;
          double dx = x - width * 0.75;
          double dy = y - height * 0.2;
          if (dx * dx + dy * dy < 36) {
            red = 255;
            green = 230;
            blue = 90;
          }
        } else {
          red = 40 + random.nextInt(30);
          green = 120 + random.nextInt(60);
          blue = 30 + random.nextInt(20);
        }
        if (x >= width / 4 && x < width / 4 + 4 && y > horizon - 14) {
          red = 80;
          green = 50;
          blue = 20;
        }
        image.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
    return image;
  }

  private static boolean pilAvailable() throws InterruptedException {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import PIL").start();
      return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path script() throws URISyntaxException {
    return Path.of(PilGaussianBlurAgreementTest.class.getResource("pil_gaussian_blur.py").toURI());
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the PIL script did not finish");
    assertEquals(0, process.exitValue(), "the PIL script failed:\n" + output);
    return output;
  }
}

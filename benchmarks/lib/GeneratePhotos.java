import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes N photo-like JPEGs (smooth gradients, overlapping shapes, sensor-like noise; 640x480 and
 * other common aspect ratios) with a caption file beside each, for the prepare benchmark. Run with
 * {@code java GeneratePhotos.java DIR N SEED}.
 */
public class GeneratePhotos {
  private static final int[][] SIZES = {{640, 480}, {480, 640}, {800, 600}, {640, 427}, {500, 500}};
  private static final String[] THINGS = {"a dog", "a cat", "a bowl of fruit", "a red car", "a tree"};
  private static final String[] PLACES = {"on a beach", "in a kitchen", "at night", "in the snow"};

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Random random = new Random(args.length > 2 ? Long.parseLong(args[2]) : 1);
    Files.createDirectories(dir);
    for (int i = 0; i < n; i++) {
      int[] size = SIZES[random.nextInt(SIZES.length)];
      BufferedImage image = photo(size[0], size[1], random);
      String name = String.format("img%05d", i);
      ImageIO.write(image, "jpg", dir.resolve(name + ".jpg").toFile());
      String caption =
          THINGS[random.nextInt(THINGS.length)] + " " + PLACES[random.nextInt(PLACES.length)] + " #" + i;
      Files.writeString(dir.resolve(name + ".txt"), caption);
    }
  }

  static BufferedImage photo(int w, int h, Random random) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new GradientPaint(0, 0, randomColor(random), w, h, randomColor(random)));
    g.fillRect(0, 0, w, h);
    for (int s = 0; s < 12; s++) {
      g.setColor(randomColor(random));
      int x = random.nextInt(w), y = random.nextInt(h);
      int sw = 20 + random.nextInt(w / 2), sh = 20 + random.nextInt(h / 2);
      if (random.nextBoolean()) {
        g.fillOval(x - sw / 2, y - sh / 2, sw, sh);
      } else {
        g.setStroke(new BasicStroke(1 + random.nextInt(8)));
        g.drawLine(x, y, random.nextInt(w), random.nextInt(h));
      }
    }
    g.dispose();
    int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
    for (int p = 0; p < pixels.length; p++) {
      int noise = (int) (random.nextGaussian() * 6);
      int r = clamp(((pixels[p] >> 16) & 255) + noise);
      int gr = clamp(((pixels[p] >> 8) & 255) + noise);
      int b = clamp((pixels[p] & 255) + noise);
      pixels[p] = (r << 16) | (gr << 8) | b;
    }
    image.setRGB(0, 0, w, h, pixels, 0, w);
    return image;
  }

  private static Color randomColor(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}

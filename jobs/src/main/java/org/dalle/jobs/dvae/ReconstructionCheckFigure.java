package org.dalle.jobs.dvae;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.train.ImageGrid;

/**
 * {@code reconstruction_check.png}: the first checked held-out-split images on top and their
 * reconstructions below, each reconstruction framed green when every object kept its colour and
 * shape and red when not. Frames surround the upscaled image, so they hide none of it.
 */
final class ReconstructionCheckFigure {

  static final Color RIGHT = new Color(0x2e, 0x9d, 0x3a);
  static final Color WRONG = new Color(0xd6, 0x27, 0x28);

  private ReconstructionCheckFigure() {}

  /** Writes the figure of {@code shown} (at least one image, all of one size), atomically. */
  static void write(Path file, List<ReconstructionCheck.Shown> shown) throws IOException {
    if (shown.isEmpty()) {
      throw new IllegalArgumentException("the reconstruction check figure needs an image");
    }
    int size = shown.get(0).original().getWidth();
    int scale = Math.max(1, (ReconstructionFigure.MIN_CELL + size - 1) / size);
    int frame = Math.max(2, scale);
    List<BufferedImage> originals = new ArrayList<>();
    List<BufferedImage> reconstructions = new ArrayList<>();
    for (ReconstructionCheck.Shown s : shown) {
      originals.add(framed(s.original(), scale, frame, Color.WHITE));
      reconstructions.add(framed(s.reconstruction(), scale, frame, s.right() ? RIGHT : WRONG));
    }
    new ImageGrid()
        .addRow("held-out original", originals)
        .addRow("dVAE (EMA)", reconstructions)
        .writePng(file);
  }

  /** {@code image} upscaled {@code scale} times (nearest neighbour) inside a {@code frame}. */
  static BufferedImage framed(BufferedImage image, int scale, int frame, Color colour) {
    int w = image.getWidth() * scale;
    int h = image.getHeight() * scale;
    BufferedImage out = new BufferedImage(w + 2 * frame, h + 2 * frame, BufferedImage.TYPE_INT_RGB);
    int border = colour.getRGB() & 0xffffff;
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        boolean inside = x >= frame && x < frame + w && y >= frame && y < frame + h;
        out.setRGB(
            x,
            y,
            inside ? image.getRGB((x - frame) / scale, (y - frame) / scale) & 0xffffff : border);
      }
    }
    return out;
  }
}

package org.dalle.evaluation.compositional;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits an image of a synthetic scene into its objects, each as a soft mask of coverages:
 *
 * <ol>
 *   <li>every pixel is fitted by its nearest palette ray ({@link PaletteFit}); it is <em>core</em>
 *       when its coverage is at least {@link CheckerSettings#coreAlpha()} and the fit is close
 *       ({@link CheckerSettings#maxResidual()}), otherwise background or an off-palette colour;
 *   <li>core pixels form 4-connected components; a component smaller than {@link
 *       CheckerSettings#minCoreArea(int)} is noise and dropped;
 *   <li>the soft mask grows from the core outwards by {@link CheckerSettings#fringeRadius(int)}
 *       steps, a pixel going to the component that reaches it first;
 *   <li>an object's colour is the palette ray nearest to the sum of its mask's pixels, and each
 *       pixel of the mask is weighed by its coverage of that colour, so antialiased and blurred
 *       edges count by how much of the pixel the object covers.
 * </ol>
 *
 * <p>A core threshold of one half keeps two objects apart when only a thin gap separates them
 * (objects in neighbouring cells of a 32-pixel image can be under a pixel apart): a pixel
 * straddling such a gap is less than half covered.
 */
final class ObjectSegmenter {
  /**
   * One object's pixels: indices {@code y * width + x} and their coverages in [0, 1] (zero below
   * the noise floor), at least one of them positive.
   */
  record Blob(int colour, int coreArea, int[] pixels, double[] weights) {}

  private final CheckerSettings settings;

  ObjectSegmenter(CheckerSettings settings) {
    this.settings = settings;
  }

  /** The objects of a packed-RGB image of {@code width × height} pixels, largest first. */
  List<Blob> segment(int[] rgb, int width, int height) {
    int n = width * height;
    int side = Math.min(width, height);
    boolean[] core = new boolean[n];
    double maxResidual2 = settings.maxResidual() * settings.maxResidual();
    // No colour covers a pixel darker than this by coreAlpha: skip the fit for the background.
    double dark = settings.coreAlpha() * PaletteFit.smallestNorm();
    double dark2 = dark * dark;
    for (int i = 0; i < n; i++) {
      int r = (rgb[i] >>> 16) & 0xFF;
      int g = (rgb[i] >>> 8) & 0xFF;
      int b = rgb[i] & 0xFF;
      if (r * r + g * g + b * b < dark2) {
        continue;
      }
      int c = PaletteFit.nearest(rgb[i]);
      core[i] =
          PaletteFit.alpha(rgb[i], c) >= settings.coreAlpha()
              && PaletteFit.residual2(rgb[i], c) <= maxResidual2;
    }

    // Connected components of core pixels (4-connected), breadth first.
    int[] label = new int[n];
    Arrays.fill(label, -1);
    List<int[]> components = new ArrayList<>();
    int[] queue = new int[n];
    for (int start = 0; start < n; start++) {
      if (!core[start] || label[start] >= 0) {
        continue;
      }
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      label[start] = components.size();
      while (head < tail) {
        int p = queue[head++];
        for (int d = 0; d < 4; d++) {
          int q = neighbour(p, d, width, height);
          if (q >= 0 && core[q] && label[q] < 0) {
            label[q] = components.size();
            queue[tail++] = q;
          }
        }
      }
      components.add(Arrays.copyOf(queue, tail));
    }

    // Keep components big enough; relabel them 0..k-1.
    int minArea = settings.minCoreArea(side);
    List<int[]> kept = new ArrayList<>();
    int[] keptLabel = new int[components.size()];
    for (int k = 0; k < components.size(); k++) {
      keptLabel[k] = components.get(k).length >= minArea ? kept.size() : -1;
      if (keptLabel[k] >= 0) {
        kept.add(components.get(k));
      }
    }
    int[] owner = new int[n];
    for (int i = 0; i < n; i++) {
      owner[i] = label[i] >= 0 ? keptLabel[label[i]] : -1;
    }
    // Grow every kept component by the fringe radius, all at once, first come first served.
    int[] distance = new int[n];
    Arrays.fill(distance, Integer.MAX_VALUE);
    ArrayDeque<Integer> frontier = new ArrayDeque<>();
    for (int i = 0; i < n; i++) {
      if (owner[i] >= 0) {
        distance[i] = 0;
        frontier.add(i);
      }
    }
    int radius = settings.fringeRadius(side);
    while (!frontier.isEmpty()) {
      int p = frontier.poll();
      if (distance[p] >= radius) {
        continue;
      }
      for (int d = 0; d < 4; d++) {
        int q = neighbour(p, d, width, height);
        if (q >= 0 && owner[q] < 0 && distance[q] == Integer.MAX_VALUE) {
          distance[q] = distance[p] + 1;
          owner[q] = owner[p];
          frontier.add(q);
        }
      }
    }

    // Each object's colour: the ray nearest to the sum of its pixels. Blur, resizing and a codec's
    // chroma subsampling spread an object's colour over its fringe, but they are linear and black
    // adds nothing, so the sum over core and fringe stays on the object's ray.
    int[] size = new int[kept.size()];
    double[][] sum = new double[kept.size()][3];
    for (int i = 0; i < n; i++) {
      int k = owner[i];
      if (k >= 0) {
        size[k]++;
        sum[k][0] += (rgb[i] >>> 16) & 0xFF;
        sum[k][1] += (rgb[i] >>> 8) & 0xFF;
        sum[k][2] += rgb[i] & 0xFF;
      }
    }
    int[] colour = new int[kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      colour[k] = PaletteFit.nearestToSum(sum[k]);
    }

    // Soft masks: each owned pixel weighed by its coverage of the owner's colour.
    int[][] pixels = new int[kept.size()][];
    double[][] weights = new double[kept.size()][];
    int[] filled = new int[kept.size()];
    for (int k = 0; k < kept.size(); k++) {
      pixels[k] = new int[size[k]];
      weights[k] = new double[size[k]];
    }
    for (int i = 0; i < n; i++) {
      int k = owner[i];
      if (k >= 0) {
        double a = PaletteFit.alpha(rgb[i], colour[k]);
        pixels[k][filled[k]] = i;
        weights[k][filled[k]++] = a >= settings.fringeAlpha() ? a : 0.0;
      }
    }
    List<Blob> blobs = new ArrayList<>();
    for (int k = 0; k < kept.size(); k++) {
      if (Arrays.stream(weights[k]).anyMatch(w -> w > 0)) {
        blobs.add(new Blob(colour[k], kept.get(k).length, pixels[k], weights[k]));
      }
    }
    blobs.sort((a, b) -> Integer.compare(b.coreArea(), a.coreArea()));
    return blobs;
  }

  /** The index of 4-neighbour {@code d} (left, right, up, down) of pixel p, -1 off the image. */
  private static int neighbour(int p, int d, int width, int height) {
    int x = p % width;
    int y = p / width;
    return switch (d) {
      case 0 -> x > 0 ? p - 1 : -1;
      case 1 -> x + 1 < width ? p + 1 : -1;
      case 2 -> y > 0 ? p - width : -1;
      default -> y + 1 < height ? p + width : -1;
    };
  }
}

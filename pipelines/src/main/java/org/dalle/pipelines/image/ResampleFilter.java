package org.dalle.pipelines.image;

/**
 * Reconstruction kernels for {@link SquareResizer}. When downscaling by a factor s, the kernel is
 * stretched by s (its support grows to {@code support() * s} source pixels), which makes it a
 * low-pass filter at the output's Nyquist frequency and so prevents aliasing.
 */
public enum ResampleFilter {
  /** Area average: each output pixel is the mean of the source pixels it covers. */
  BOX(0.5) {
    @Override
    double weight(double x) {
      return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
    }
  },
  /** Tent kernel: bilinear interpolation when upscaling, antialiased bilinear when downscaling. */
  TRIANGLE(1.0) {
    @Override
    double weight(double x) {
      double a = Math.abs(x);
      return a < 1.0 ? 1.0 - a : 0.0;
    }
  },
  /**
   * Windowed sinc with three lobes, the kernel OpenAI's DALL·E preprocessing uses ({@code
   * PIL.Image.LANCZOS}); sharpest of the three, with slight ringing at hard edges.
   */
  LANCZOS3(3.0) {
    @Override
    double weight(double x) {
      if (x == 0.0) {
        return 1.0;
      }
      if (x <= -3.0 || x >= 3.0) {
        return 0.0;
      }
      double px = Math.PI * x;
      return 3.0 * Math.sin(px) * Math.sin(px / 3.0) / (px * px);
    }
  };

  private final double support;

  ResampleFilter(double support) {
    this.support = support;
  }

  /** Half-width of the kernel at scale 1, in source pixels. */
  public double support() {
    return support;
  }

  /** Kernel value at distance {@code x} (in kernel units) from the output pixel's centre. */
  abstract double weight(double x);
}

package org.dalle.models.clip;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Checks and resizing of the image batches scorers receive: channel-major RGB, {@code (N, 3, S,
 * S)}.
 */
final class ImageBatch {

  private ImageBatch() {}

  /**
   * @throws IllegalArgumentException when {@code images} is not {@code (N, 3, S, S)}
   */
  static void requireSquareRgb(NDArray images) {
    Shape shape = images.getShape();
    if (shape.dimension() != 4 || shape.get(1) != 3 || shape.get(2) != shape.get(3)) {
      throw new IllegalArgumentException(
          "images have shape " + shape + "; expected (N, 3, S, S) RGB in [0, 1]");
    }
  }

  /** {@code images} {@code (N, 3, S, S)} at side {@code size}, resized bilinearly if S differs. */
  static NDArray resize(NDArray images, int size) {
    requireSquareRgb(images);
    if (images.getShape().get(2) == size) {
      return images;
    }
    NDArray channelsLast = images.transpose(0, 2, 3, 1); // (N, S, S, 3)
    NDArray resized =
        NDImageUtils.resize(channelsLast, size, size, Image.Interpolation.BILINEAR); // (N, s, s, 3)
    return resized.transpose(0, 3, 1, 2); // (N, 3, s, s)
  }
}

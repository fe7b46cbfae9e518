package org.dalle.jobs.dvae;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.train.BatchSampler;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;

/**
 * Square RGB images held in memory as one float array, channel-major per image ({@code (N, 3, S,
 * S)}, values in [0, 1]), ready to be copied into batches as {@code crop}×{@code crop} windows.
 *
 * <p>Prepared images may be larger than the model's input: a prepare run with {@code --image-size
 * 36} and a 32×32 model gives random crops a 5×5 range of offsets; {@link #centreCrops} is what
 * evaluation sees.
 *
 * <p>The dVAE job loads the whole prepare output this way: the quickstart's 12000 images of 32×32
 * take 147 MB. A dataset that does not fit in memory needs a streaming reader instead; this class
 * rejects more than {@link Integer#MAX_VALUE} floats with a message saying so.
 */
public final class TrainingImages {

  private static final int CHANNELS = 3;

  private final float[] pixels;
  private final int count;
  private final int size;
  private final int crop;

  TrainingImages(float[] pixels, int count, int size, int crop) {
    if ((long) count * CHANNELS * size * size != pixels.length) {
      throw new IllegalArgumentException(
          pixels.length + " floats are not " + count + " images of 3x" + size + "x" + size);
    }
    if (crop < 1 || crop > size) {
      throw new IllegalArgumentException(
          "crop is " + crop + "; expected 1 to the image size " + size);
    }
    this.pixels = pixels;
    this.count = count;
    this.size = size;
    this.crop = crop;
  }

  /**
   * Reads every {@code CaptionedImage} of a prepare output, in record-id order ({@link
   * PreparedData#records}), so the same data always gives the same indices.
   *
   * @param crop the model's input size; every image must be square and at least this large, and all
   *     of one size
   * @throws IllegalArgumentException when there are no images or their sizes do not fit
   */
  public static TrainingImages load(PreparedData data, int crop) throws IOException {
    return of(data.records(), data.location(), crop);
  }

  /**
   * The images of prepared records, in this order.
   *
   * @param location where the records came from, for messages
   * @throws IllegalArgumentException when there are none or their sizes do not fit
   */
  public static TrainingImages of(List<CaptionedImage> records, String location, int crop) {
    List<BufferedImage> images = new ArrayList<>();
    for (CaptionedImage record : records) {
      BufferedImage image = decode(record, location, crop);
      if (!images.isEmpty() && image.getWidth() != images.get(0).getWidth()) {
        int size = images.get(0).getWidth();
        throw new IllegalArgumentException(
            String.format(
                "image %s in %s is %dx%d but others are %dx%d; expected one size: prepare the"
                    + " data again with one --image-size",
                record.getId(), location, image.getWidth(), image.getHeight(), size, size));
      }
      images.add(image);
    }
    return of(images, crop);
  }

  /**
   * The images, in this order, as one array.
   *
   * @param images square RGB images, all of one size, at least {@code crop} on a side
   * @throws IllegalArgumentException when there are none, or their sizes do not fit
   */
  static TrainingImages of(List<BufferedImage> images, int crop) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images; expected at least one");
    }
    int size = images.get(0).getWidth();
    for (int i = 0; i < images.size(); i++) {
      BufferedImage image = images.get(i);
      if (image.getWidth() != size || image.getHeight() != size) {
        throw new IllegalArgumentException(
            String.format(
                "image %d is %dx%d; expected %dx%d like image 0",
                i, image.getWidth(), image.getHeight(), size, size));
      }
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
    return new TrainingImages(pixels, images.size(), size, crop);
  }

  private static BufferedImage decode(CaptionedImage record, String location, int crop) {
    ByteBuffer buffer = record.getImagePng();
    byte[] png = new byte[buffer.remaining()];
    buffer.duplicate().get(png);
    BufferedImage image = PngCodec.decode(png);
    if (image.getWidth() != image.getHeight() || image.getWidth() < crop) {
      throw new IllegalArgumentException(
          String.format(
              "image %s in %s is %dx%d; expected a square of at least %dx%d (the model's"
                  + " image_size): prepare with --image-size %d (or larger, for random crops) or"
                  + " change model.image_size",
              record.getId(), location, image.getWidth(), image.getHeight(), crop, crop, crop));
    }
    return image;
  }

  public int count() {
    return count;
  }

  /** Side of the stored images. */
  public int size() {
    return size;
  }

  /** Side of the windows copied out: the model's input size. */
  public int crop() {
    return crop;
  }

  /** Crop offsets along each axis: {@code size − crop + 1} (1 when images are the model's size). */
  public int cropPositions() {
    return size - crop + 1;
  }

  /** Floats per copied window: {@code 3·crop²}. */
  public int imageFloats() {
    return CHANNELS * crop * crop;
  }

  private int storedFloats() {
    return CHANNELS * size * size;
  }

  /** The images {@code [from, to)} as a new set. */
  public TrainingImages range(int from, int to) {
    if (from < 0 || to > count || from > to) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") is outside the " + count + " images");
    }
    float[] part = new float[(to - from) * storedFloats()];
    System.arraycopy(pixels, from * storedFloats(), part, 0, part.length);
    return new TrainingImages(part, to - from, size, crop);
  }

  /**
   * Copies the {@code crop}×{@code crop} window of image {@code index} whose top-left corner is
   * ({@code left}, {@code top}) into {@code target} at {@code offset} as {@code (3, crop, crop)},
   * mirrored left-right when {@code flip} is set.
   */
  public void copyTo(int index, boolean flip, int left, int top, float[] target, int offset) {
    if (left < 0 || top < 0 || left >= cropPositions() || top >= cropPositions()) {
      throw new IllegalArgumentException(
          String.format(
              "crop offset (%d, %d) is outside [0, %d) for %dx%d windows of %dx%d images",
              left, top, cropPositions(), crop, crop, size, size));
    }
    int from = index * storedFloats();
    for (int c = 0; c < CHANNELS; c++) {
      for (int y = 0; y < crop; y++) {
        int in = from + (c * size + top + y) * size + left;
        int out = offset + (c * crop + y) * crop;
        if (!flip) {
          System.arraycopy(pixels, in, target, out, crop);
        } else {
          for (int x = 0; x < crop; x++) {
            target[out + x] = pixels[in + crop - 1 - x];
          }
        }
      }
    }
  }

  /**
   * The crop windows of a batch's images, each mirrored where the batch says, one after another as
   * {@code (B, 3, crop, crop)}.
   */
  public float[] pixels(BatchSampler.Batch batch) {
    int[] indices = batch.indices();
    float[] pixels = new float[indices.length * imageFloats()];
    for (int i = 0; i < indices.length; i++) {
      copyTo(
          indices[i],
          batch.flips()[i],
          batch.lefts()[i],
          batch.tops()[i],
          pixels,
          i * imageFloats());
    }
    return pixels;
  }

  /** The centre offset along each axis, the window evaluation uses. */
  public int centreOffset() {
    return (size - crop) / 2;
  }

  /** Every image's centre window, unflipped, as one {@code (N, 3, crop, crop)} array. */
  public float[] centreCrops() {
    float[] out = new float[count * imageFloats()];
    for (int i = 0; i < count; i++) {
      copyTo(i, false, centreOffset(), centreOffset(), out, i * imageFloats());
    }
    return out;
  }
}

package org.dalle.jobs.clip;

import java.io.IOException;
import java.util.List;
import org.dalle.jobs.dvae.TrainingImages;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;

/**
 * The prepare output as (image, caption) pairs in memory: the pixels as {@link TrainingImages} and
 * the normalised captions beside them, both in record-id order, so index i of one is index i of the
 * other and the same data always gives the same indices.
 *
 * @param images the pixels, {@code (N, 3, S, S)}
 * @param captions the caption of each image, N of them
 */
public record CaptionedImages(TrainingImages images, List<String> captions) {

  public CaptionedImages {
    if (images.count() != captions.size()) {
      throw new IllegalArgumentException(
          images.count() + " images but " + captions.size() + " captions; expected one each");
    }
    captions = List.copyOf(captions);
  }

  /**
   * Reads a prepare output once, in record-id order ({@link PreparedData#records}).
   *
   * @param crop the model's input size (see {@link TrainingImages#load})
   * @throws IllegalArgumentException when there are no images or their sizes do not fit
   */
  public static CaptionedImages load(PreparedData data, int crop) throws IOException {
    List<CaptionedImage> records = data.records();
    return new CaptionedImages(
        TrainingImages.of(records, data.location(), crop),
        records.stream().map(CaptionedImage::getCaption).toList());
  }

  public int count() {
    return captions.size();
  }

  /** The pairs {@code [from, to)} as a new set. */
  public CaptionedImages range(int from, int to) {
    return new CaptionedImages(images.range(from, to), captions.subList(from, to));
  }
}

package org.dalle.jobs.clip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.jobs.dvae.TrainingImages;
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
   * Reads {@code dataDir/images/*.avro}.
   *
   * @param crop the model's input size (see {@link TrainingImages#load})
   * @throws IllegalArgumentException when there are no images or their sizes do not fit
   */
  public static CaptionedImages load(Path dataDir, int crop) throws IOException {
    TrainingImages images = TrainingImages.load(dataDir, crop);
    // TrainingImages orders by record id too; a later record with the same id replaces an earlier
    // one in both.
    Map<String, String> byId = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dataDir.resolve("images"))) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".avro")).sorted().toList();
    }
    for (Path file : files) {
      try (DataFileReader<CaptionedImage> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(CaptionedImage.class))) {
        CaptionedImage record = null;
        while (reader.hasNext()) {
          record = reader.next(record);
          byId.put(record.getId(), record.getCaption());
        }
      }
    }
    return new CaptionedImages(images, new ArrayList<>(byId.values()));
  }

  public int count() {
    return captions.size();
  }

  /** The pairs {@code [from, to)} as a new set. */
  public CaptionedImages range(int from, int to) {
    return new CaptionedImages(images.range(from, to), captions.subList(from, to));
  }
}

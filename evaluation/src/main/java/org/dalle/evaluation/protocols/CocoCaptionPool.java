package org.dalle.evaluation.protocols;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dalle.pipelines.sources.CocoAnnotationsParser;

/**
 * The images and captions of an MS-COCO captions file ({@code captions_val2014.json}), held in
 * memory for the caption selection (the validation file has 40,504 images and 202,654 captions).
 */
final class CocoCaptionPool implements CocoAnnotationsParser.Entries {
  /** One caption of an image. */
  record Caption(long annotationId, String text) {}

  private final Map<Long, String> fileNames = new HashMap<>();
  private final Map<Long, List<Caption>> captions = new HashMap<>();
  private long annotations;

  private CocoCaptionPool() {}

  /** Parses a captions file; {@code name} is used in error messages. */
  static CocoCaptionPool read(InputStream json, String name) throws IOException {
    CocoCaptionPool pool = new CocoCaptionPool();
    CocoAnnotationsParser.parse(json, name, pool);
    return pool;
  }

  @Override
  public void image(long imageId, String fileName) {
    fileNames.put(imageId, fileName);
  }

  @Override
  public void caption(long annotationId, long imageId, String caption) {
    annotations++;
    captions
        .computeIfAbsent(imageId, id -> new ArrayList<>())
        .add(new Caption(annotationId, caption));
  }

  /** The file names by image id, as listed in {@code images}. */
  Map<Long, String> fileNames() {
    return fileNames;
  }

  /** The captions of an image, in file order; empty when it has none. */
  List<Caption> captionsOf(long imageId) {
    return captions.getOrDefault(imageId, List.of());
  }

  long imageCount() {
    return fileNames.size();
  }

  long annotationCount() {
    return annotations;
  }

  /** Captions whose image id the {@code images} array does not list. */
  long captionsOfUnknownImages() {
    long unknown = 0;
    for (Map.Entry<Long, List<Caption>> entry : captions.entrySet()) {
      if (!fileNames.containsKey(entry.getKey())) {
        unknown += entry.getValue().size();
      }
    }
    return unknown;
  }
}

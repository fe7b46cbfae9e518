package org.dalle.evaluation.protocols;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The MS-COCO-30k protocol's captions (DALL·E paper, section 3.2: "30,000 captions from the
 * validation set"): {@code count} validation images chosen with a seed, one caption each, also
 * chosen with the seed.
 *
 * <p>Every image with at least one caption is ranked by {@link SelectionHash} of (seed, image id);
 * the first {@code count} are taken. Of an image's captions the one with the smallest hash of
 * (seed, image id, annotation id) is kept. Both depend only on the seed and the item, so the
 * selection does not change with the order of the annotations file, and a selection that excludes
 * some images (those overlapping the training data) keeps every caption of the full selection whose
 * image is not excluded and fills up with the next images in rank order.
 */
final class CocoCaptionSelection {
  private record RankedImage(long imageId, String fileName, long rank) {}

  private static final Comparator<RankedImage> BY_RANK =
      Comparator.comparing(RankedImage::rank, Long::compareUnsigned)
          .thenComparingLong(RankedImage::imageId);

  private CocoCaptionSelection() {}

  /**
   * @param excluded file names of images that may not be chosen
   * @param imagesDir the directory holding the images, prefixed to each file name
   * @return the chosen captions in rank order
   * @throws IllegalArgumentException when fewer than {@code count} images with captions remain
   */
  static List<EvaluationCaption> select(
      CocoCaptionPool pool, long seed, int count, Set<String> excluded, String imagesDir) {
    if (count < 1) {
      throw new IllegalArgumentException("caption count must be at least 1 but was " + count);
    }
    List<RankedImage> ranked = new ArrayList<>();
    for (Map.Entry<Long, String> image : pool.fileNames().entrySet()) {
      long imageId = image.getKey();
      if (pool.captionsOf(imageId).isEmpty() || excluded.contains(image.getValue())) {
        continue;
      }
      ranked.add(
          new RankedImage(
              imageId, image.getValue(), SelectionHash.of(seed, "image", Long.toString(imageId))));
    }
    if (ranked.size() < count) {
      throw new IllegalArgumentException(
          "asked for "
              + count
              + " captions, one per image, but only "
              + ranked.size()
              + " images have captions"
              + (excluded.isEmpty() ? "" : " once " + excluded.size() + " overlapping are removed")
              + "; give --count "
              + ranked.size()
              + " or less");
    }
    ranked.sort(BY_RANK);
    String prefix = imagesDir.endsWith("/") ? imagesDir : imagesDir + "/";
    List<EvaluationCaption> chosen = new ArrayList<>(count);
    for (RankedImage image : ranked.subList(0, count)) {
      CocoCaptionPool.Caption caption = chooseCaption(pool, seed, image.imageId());
      chosen.add(
          new EvaluationCaption(
              image.fileName() + "#" + caption.annotationId(),
              caption.text().strip(),
              prefix + image.fileName()));
    }
    return chosen;
  }

  /** The caption with the smallest hash of (seed, image id, annotation id). */
  static CocoCaptionPool.Caption chooseCaption(CocoCaptionPool pool, long seed, long imageId) {
    CocoCaptionPool.Caption best = null;
    long bestHash = 0;
    for (CocoCaptionPool.Caption caption : pool.captionsOf(imageId)) {
      long hash =
          SelectionHash.of(
              seed, "caption", Long.toString(imageId), Long.toString(caption.annotationId()));
      int order = best == null ? -1 : Long.compareUnsigned(hash, bestHash);
      if (order < 0 || (order == 0 && caption.annotationId() < best.annotationId())) {
        best = caption;
        bestHash = hash;
      }
    }
    return best;
  }
}

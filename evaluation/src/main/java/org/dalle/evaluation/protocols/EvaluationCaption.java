package org.dalle.evaluation.protocols;

/**
 * One line of an evaluation caption file ({@code captions.jsonl}): {@code {"id": …, "caption": …,
 * "image": …}}.
 *
 * @param id stable identifier of the caption within its dataset, e.g. {@code
 *     COCO_val2014_000000000042.jpg#6497} (MS-COCO: file name and annotation id) or {@code
 *     001.Black_footed_Albatross/Black_Footed_Albatross_0001_796111.jpg#3} (CUB: image path and
 *     line number), the same keys the prepare stage's sources give these records
 * @param caption the caption text, stripped of leading and trailing white space
 * @param image the path (or URI) of the real image the caption describes
 */
public record EvaluationCaption(String id, String caption, String image) {
  public EvaluationCaption {
    if (id == null || id.isBlank() || caption == null || image == null || image.isBlank()) {
      throw new IllegalArgumentException(
          "an evaluation caption needs an id, a caption and an image, got id="
              + id
              + ", caption="
              + caption
              + ", image="
              + image);
    }
  }
}

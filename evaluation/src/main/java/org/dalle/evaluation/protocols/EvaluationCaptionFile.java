package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.captions.CaptionFile;

/**
 * The caption file of an evaluation protocol, {@code captions.jsonl}: one JSON object per line,
 * {@code {"id": …, "caption": …, "image": …}} ({@link EvaluationCaption}), in the order the
 * protocol chose them. {@code dalle sample --captions captions.jsonl} samples for its captions in
 * this order, and the reference images are listed, in the same order, in {@code
 * reference_images.txt} (MS-COCO; for CUB every test image once).
 */
public final class EvaluationCaptionFile {
  public static final String CAPTIONS = "captions.jsonl";
  public static final String REFERENCE_IMAGES = "reference_images.txt";

  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationCaptionFile() {}

  /** The file's text: one JSON object per caption, each line ending in a line feed. */
  static String toJsonLines(List<EvaluationCaption> captions) {
    StringBuilder text = new StringBuilder();
    for (EvaluationCaption caption : captions) {
      try {
        text.append(JSON.writeValueAsString(caption)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("could not write caption " + caption.id(), e);
      }
    }
    return text.toString();
  }

  /**
   * Reads a caption file through the one caption-file reader ({@link CaptionFile}); blank lines are
   * skipped.
   *
   * @throws IllegalArgumentException naming the line that is not such an object
   */
  public static List<EvaluationCaption> read(Path path) throws IOException {
    List<EvaluationCaption> captions = new ArrayList<>();
    for (CaptionFile.Entry entry : CaptionFile.read(path)) {
      captions.add(new EvaluationCaption(entry.id(), entry.caption(), entry.text("image")));
    }
    return captions;
  }
}

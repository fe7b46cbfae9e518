package org.dalle.jobs.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.AtomicFiles;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.models.clip.ClipModel;
import org.dalle.models.clip.ClipScorer;
import org.dalle.models.clip.RetrievalAccuracy;
import org.dalle.models.tokenizer.BpeTokenizer;

/**
 * The held-out retrieval check of {@code dalle train-clip}: every validation image against every
 * validation caption by cosine similarity, scored as image→text and text→image top-1 / top-5
 * accuracy ({@link RetrievalAccuracy}), and written as {@code retrieval.json}.
 */
final class RetrievalCheck {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RetrievalCheck() {}

  /**
   * The check at the end of a training run: the held-out pairs of {@code data} compared with the
   * model's final weights, written to {@link ClipTrainer#RETRIEVAL_FILE} in the run directory.
   *
   * @param step the updates the weights had
   */
  static RetrievalAccuracy atEndOfRun(
      ClipModel model, TrainingPairs data, NDManager manager, RunDirectory run, long step)
      throws IOException {
    CaptionedImages validation = data.validation();
    RetrievalAccuracy retrieval =
        run(model, validation, data.tokenizer(), data.config().training().batchSize(), manager);
    int captions = new HashSet<>(validation.captions()).size();
    write(run.file(ClipTrainer.RETRIEVAL_FILE), retrieval, step, captions);
    return retrieval;
  }

  /**
   * Embeds the validation pairs {@code batchSize} at a time and compares all of them.
   *
   * @param manager parent of the per-batch managers
   */
  static RetrievalAccuracy run(
      ClipModel model,
      CaptionedImages validation,
      BpeTokenizer tokenizer,
      int batchSize,
      NDManager manager) {
    int n = validation.count();
    int e = model.config().embedDim();
    int length = model.config().textLength();
    int size = validation.images().crop();
    int floats = validation.images().imageFloats();
    int offset = validation.images().centreOffset();
    float[] images = new float[n * e];
    float[] texts = new float[n * e];
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      float[] pixels = new float[b * floats];
      long[] ids = new long[b * length];
      for (int i = 0; i < b; i++) {
        validation.images().copyTo(from + i, false, offset, offset, pixels, i * floats);
        long[] row = ClipScorer.tokenize(tokenizer, validation.captions().get(from + i), length);
        System.arraycopy(row, 0, ids, i * length, length);
      }
      try (NDManager scope = manager.newSubManager()) {
        NDArray imageArray = scope.create(pixels, new Shape(b, 3, size, size));
        NDArray idArray = scope.create(ids, new Shape(b, length));
        System.arraycopy(
            model.imageEmbeddings(imageArray).toFloatArray(), 0, images, from * e, b * e);
        System.arraycopy(model.textEmbeddings(idArray).toFloatArray(), 0, texts, from * e, b * e);
      }
    }
    float[] similarities = new float[n * n]; // row i: image i against every caption
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int k = 0; k < e; k++) {
          dot += (double) images[i * e + k] * texts[j * e + k];
        }
        similarities[i * n + j] = (float) dot;
      }
    }
    return RetrievalAccuracy.of(similarities, validation.captions());
  }

  /**
   * Writes the accuracies after {@code step} updates to {@code file}, atomically.
   *
   * @param distinctCaptions how many different captions the pairs have (chance is about one in that
   *     many)
   */
  static void write(Path file, RetrievalAccuracy accuracy, long step, long distinctCaptions)
      throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("step", step);
    json.put("pairs", accuracy.count());
    json.put("distinct_captions", distinctCaptions);
    json.put("image_to_text_top1", accuracy.imageToTextTop1());
    json.put("image_to_text_top5", accuracy.imageToTextTop5());
    json.put("text_to_image_top1", accuracy.textToImageTop1());
    json.put("text_to_image_top5", accuracy.textToImageTop5());
    json.put(
        "note",
        "held-out pairs; a retrieved caption (or image) counts when its caption text equals the"
            + " query's");
    AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, json));
  }
}

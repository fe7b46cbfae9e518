package org.dalle.jobs.clip;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.StepFigures;
import org.dalle.models.clip.ClipLoss;
import org.dalle.models.clip.RetrievalAccuracy;

/**
 * The figures of one update of the contrastive model.
 *
 * @param loss the symmetric InfoNCE loss
 * @param imageToText, textToImage its two directions
 * @param accuracy the batch's in-batch top-1 accuracy, both directions averaged
 * @param temperature the temperature the loss was computed with
 * @param learningRate the update's learning rate
 * @param gradNorm the global gradient norm before clipping
 * @param batchSize pairs per update, for the throughput
 */
record ClipFigures(
    double loss,
    double imageToText,
    double textToImage,
    double accuracy,
    double temperature,
    double learningRate,
    double gradNorm,
    int batchSize)
    implements StepFigures {

  /**
   * The figures of an update's pass: its loss terms and the in-batch retrieval accuracy of its
   * logits, where pairs with the same caption count as matches.
   */
  static ClipFigures of(
      ClipTrainer.Pass pass, double learningRate, double gradNorm, int batchSize) {
    ClipLoss loss = pass.terms();
    RetrievalAccuracy inBatch = RetrievalAccuracy.of(loss.logits().toFloatArray(), pass.captions());
    return new ClipFigures(
        pass.loss(),
        loss.imageToText().getFloat(),
        loss.textToImage().getFloat(),
        inBatch.meanTop1(),
        pass.temperature(),
        learningRate,
        gradNorm,
        batchSize);
  }

  @Override
  public Map<String, Number> logged(double seconds) {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("loss", loss);
    values.put("image_to_text", imageToText);
    values.put("text_to_image", textToImage);
    values.put("accuracy", accuracy);
    values.put("temperature", temperature);
    values.put("lr", learningRate);
    values.put("grad_norm", gradNorm);
    values.put("pairs_per_s", batchSize / seconds);
    return values;
  }

  @Override
  public Map<String, Number> shown() {
    Map<String, Number> fields = new LinkedHashMap<>();
    fields.put("loss", loss);
    fields.put("acc", accuracy);
    fields.put("temp", temperature);
    return fields;
  }
}

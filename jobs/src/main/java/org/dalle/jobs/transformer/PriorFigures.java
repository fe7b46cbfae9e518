package org.dalle.jobs.transformer;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.StepFigures;

/**
 * The figures of one update of the prior.
 *
 * @param outcome what the update did
 * @param skipped updates skipped for a non-finite gradient in the whole run, this one included
 * @param fp16 whether the gradient scales are reported
 * @param tokensPerUpdate sequence tokens (text + image) of one batch
 */
record PriorFigures(PriorUpdate.Outcome outcome, long skipped, boolean fp16, long tokensPerUpdate)
    implements StepFigures {

  @Override
  public Map<String, Number> logged(double seconds) {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("loss", outcome.loss());
    values.put("text_loss", outcome.textLoss());
    values.put("image_loss", outcome.imageLoss());
    values.put("grad_norm", outcome.gradNorm());
    values.put("lr", outcome.learningRate());
    values.put("skipped_updates", skipped);
    if (fp16) {
      values.put("min_grad_scale", outcome.minScale());
      values.put("max_grad_scale", outcome.maxScale());
    }
    values.put("tokens_per_s", tokensPerUpdate / seconds);
    return values;
  }

  @Override
  public Map<String, Number> shown() {
    Map<String, Number> fields = new LinkedHashMap<>();
    fields.put("loss", outcome.loss());
    fields.put("text", outcome.textLoss());
    fields.put("image", outcome.imageLoss());
    return fields;
  }
}

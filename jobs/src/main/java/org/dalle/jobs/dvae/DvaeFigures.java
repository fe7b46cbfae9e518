package org.dalle.jobs.dvae;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.StepFigures;

/**
 * The figures of one dVAE update; {@code mse} is NaN at updates where it was not measured (it is
 * logged only where it was), {@code lastMse} the latest measurement, for the progress line.
 */
record DvaeFigures(
    double loss,
    double reconstruction,
    double kl,
    double tau,
    double beta,
    double learningRate,
    CodebookStats codebook,
    double mse,
    double lastMse)
    implements StepFigures {

  @Override
  public Map<String, Number> logged(double seconds) {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("loss", loss);
    values.put("reconstruction", reconstruction);
    values.put("kl", kl);
    values.put("tau", tau);
    values.put("beta", beta);
    values.put("lr", learningRate);
    values.put("codebook_usage", codebook.usage());
    values.put("perplexity", codebook.perplexity());
    if (!Double.isNaN(mse)) {
      values.put("mse", mse);
    }
    return values;
  }

  @Override
  public Map<String, Number> shown() {
    Map<String, Number> fields = new LinkedHashMap<>();
    fields.put("loss", loss);
    fields.put("mse", lastMse);
    fields.put("codes", codebook.usage());
    return fields;
  }
}

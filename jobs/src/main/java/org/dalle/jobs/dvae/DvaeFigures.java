package org.dalle.jobs.dvae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dalle.jobs.train.StepFigures;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeLoss;

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

  /**
   * The figures of an update, measured before it is applied, so that the codebook figures and the
   * MSE describe the weights that produced its loss: the argmax codes, decoded by the current
   * decoder when {@code measureMse} holds.
   *
   * @param previous the previous update's figures, whose latest MSE this one carries on; null at
   *     the first update of an invocation
   */
  static DvaeFigures measure(
      DiscreteVae model,
      DvaeTrainer.Pass pass,
      double learningRate,
      boolean measureMse,
      DvaeFigures previous) {
    DvaeLoss terms = pass.terms();
    NDArray codes = terms.logits().argMax(1).toType(DataType.INT32, false); // (B, G, G)
    CodebookStats codebook = CodebookStats.of(codes.toIntArray(), model.config().vocabSize());
    double mse = Double.NaN;
    double lastMse = previous == null ? Double.NaN : previous.lastMse();
    if (measureMse) {
      mse = model.decode(codes).sub(pass.images()).square().mean().getFloat();
      lastMse = mse;
    }
    return new DvaeFigures(
        pass.loss(),
        terms.reconstruction().getFloat(),
        terms.klPerPosition().getFloat(),
        pass.tau(),
        pass.beta(),
        learningRate,
        codebook,
        mse,
        lastMse);
  }

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

package org.dalle.jobs.indomain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.dalle.jobs.train.StepFigures;

/**
 * The figures of one evaluator update: its loss and learning rate in {@code metrics.jsonl}; on the
 * progress line the loss and the latest validation accuracy of the score heads' pair, read when the
 * line is drawn, so it shows an evaluation taken right after this update.
 *
 * @param pairName the pair's metric name without the {@code val_} prefix
 * @param validationPair the latest validation accuracy of the pair; null before the first
 */
record EvaluatorFigures(
    double loss, double learningRate, String pairName, Supplier<Number> validationPair)
    implements StepFigures {

  @Override
  public Map<String, Number> logged(double seconds) {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("loss", loss);
    values.put("lr", learningRate);
    return values;
  }

  @Override
  public Map<String, Number> shown() {
    Map<String, Number> shown = new LinkedHashMap<>();
    shown.put("loss", loss);
    Number pair = validationPair.get();
    if (pair != null) {
      shown.put("val_" + pairName, pair);
    }
    return shown;
  }
}

package org.dalle.jobs.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the ranks of a data-parallel run agree on after each update: the logged figures, averaged
 * (the loss in {@code metrics.jsonl} is then the loss of the global batch), and whether to stop
 * (when any rank was asked to), so that every rank stops after the same update. Throughput figures
 * come out right as means because every trainer counts its tokens or images per update from the
 * global batch size.
 */
final class RankFigures {

  private RankFigures() {}

  /** Each figure's mean over the ranks of {@code reducer}, in the same order. */
  static Map<String, Number> mean(GradientReducer reducer, Map<String, Number> logged) {
    if (reducer.worldSize() == 1) {
      return logged;
    }
    double[] values = new double[logged.size()];
    int i = 0;
    for (Number value : logged.values()) {
      values[i++] = value.doubleValue();
    }
    double[] mean = reducer.mean(values);
    Map<String, Number> averaged = new LinkedHashMap<>();
    i = 0;
    for (Map.Entry<String, Number> entry : logged.entrySet()) {
      double value = mean[i++];
      boolean whole = entry.getValue() instanceof Integer || entry.getValue() instanceof Long;
      // Counts stay integers in the log while the ranks agree on them.
      averaged.put(
          entry.getKey(), whole && value == Math.rint(value) ? (Number) Math.round(value) : value);
    }
    return averaged;
  }

  /** Whether any rank has a stop request. */
  static boolean anyStop(GradientReducer reducer, boolean stop) {
    if (reducer.worldSize() == 1) {
      return stop;
    }
    return reducer.mean(new double[] {stop ? 1 : 0})[0] > 0;
  }
}

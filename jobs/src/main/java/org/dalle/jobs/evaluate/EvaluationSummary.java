package org.dalle.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The lines {@code dalle evaluate} (and the quickstart) prints at the end: the headline figures of
 * {@code metrics.json}, and where the rest is.
 */
public final class EvaluationSummary {
  private EvaluationSummary() {}

  /** Prints the report's place, each set's FID (and IS) at the first radius, its overall score. */
  public static void print(EvaluationJob.Result result, PrintStream out) {
    JsonNode metrics = result.metrics();
    out.printf("evaluate: done → %s/report.html%n", result.out());
    for (Map.Entry<String, JsonNode> set : iterable(metrics.get("sets"))) {
      JsonNode first = set.getValue().get("radii").get(0);
      out.printf(
          Locale.ROOT,
          "  %-14s FID %.3f at radius %s%s%n",
          set.getKey(),
          first.get("fid").asDouble(),
          first.get("label").asText(),
          first.has("is_mean")
              ? String.format(
                  Locale.ROOT,
                  ", IS %.3f ± %.3f",
                  first.get("is_mean").asDouble(),
                  first.get("is_std").asDouble())
              : "");
    }
    JsonNode compositional = metrics.get("compositional");
    if (compositional != null) {
      for (JsonNode set : compositional.get("sets")) {
        out.printf(
            Locale.ROOT,
            "  %-14s compositional overall %s%n",
            set.get("label").asText(),
            set.get("overall").isNull()
                ? "–"
                : String.format(Locale.ROOT, "%.1f%%", 100 * set.get("overall").asDouble()));
      }
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    return node::fields;
  }
}

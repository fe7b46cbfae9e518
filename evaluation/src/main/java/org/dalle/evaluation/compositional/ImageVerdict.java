package org.dalle.evaluation.compositional;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checker's verdict on one generated image, as {@code compositional.json} lists it per caption.
 *
 * @param allFacts whether every fact the caption states holds, all together
 * @param facts pass or fail of each stated fact on its own, in {@link FactChecks#ORDER}
 * @param tasks pass or fail of each task the caption takes part in, by {@link
 *     CompositionalTask#key()}, in task order
 */
public record ImageVerdict(
    boolean allFacts, Map<String, Boolean> facts, Map<String, Boolean> tasks) {
  public ImageVerdict {
    facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
  }

  /** The verdict as the scorer gave it, with tasks named by their keys. */
  public static ImageVerdict of(CompositionalScorer.Verdict verdict) {
    Map<String, Boolean> tasks = new LinkedHashMap<>();
    for (CompositionalTask task : CompositionalTask.values()) {
      Boolean passed = verdict.tasks().get(task);
      if (passed != null) {
        tasks.put(task.key(), passed);
      }
    }
    return new ImageVerdict(verdict.allFacts(), verdict.facts(), tasks);
  }

  /** The stated facts that do not hold, in {@link FactChecks#ORDER}. */
  public List<String> failedFacts() {
    return facts.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
  }
}

package org.dalle.evaluation.indomain;

import java.util.HashSet;
import java.util.List;

/**
 * One classification head of the evaluator: a named softmax over {@code labels}, such as {@code
 * colour} over {@code red, orange, …}. The network's logits are the heads' logits side by side, in
 * the order of {@link SceneLabels#heads()}.
 *
 * @param name the head's name in configs, metrics and reports
 * @param labels the class names, in logit order
 */
public record LabelHead(String name, List<String> labels) {
  public LabelHead {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a label head needs a name, got '" + name + "'");
    }
    if (labels == null || labels.size() < 2) {
      throw new IllegalArgumentException(
          "head '" + name + "' needs at least two labels, got " + labels);
    }
    if (new HashSet<>(labels).size() != labels.size()) {
      throw new IllegalArgumentException("head '" + name + "' repeats a label: " + labels);
    }
    labels = List.copyOf(labels);
  }

  /** Number of classes. */
  public int size() {
    return labels.size();
  }

  /** The index of {@code label}; an error naming the head and its labels when it has none. */
  public int indexOf(String label) {
    int index = labels.indexOf(label);
    if (index < 0) {
      throw new IllegalArgumentException(
          "head '" + name + "' has no label '" + label + "'; expected one of " + labels);
    }
    return index;
  }
}

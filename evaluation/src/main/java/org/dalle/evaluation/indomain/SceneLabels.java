package org.dalle.evaluation.indomain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.GridPosition;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;

/**
 * What the in-domain evaluator classifies, read from the ground-truth attributes the synthetic
 * source writes into every record ({@code SceneAttributes}): one softmax head per attribute.
 *
 * <p>The {@link #synthetic() synthetic scheme} has five heads: {@code colour} (8), {@code shape}
 * (6), {@code size} (2), {@code position} (9 grid cells) and {@code count} (1–4). The {@code count}
 * head reads the {@code count} attribute; every other head {@code H} reads {@code object.<i>.H} of
 * each object, and its target is the share of the scene's objects with each value: a single-object
 * scene gives a one-hot target, "two red circles" gives colour red with weight 1 and two positions
 * with ½ each, "a red circle left of a blue square" gives red and blue ½ each. Every scene kind
 * thus has a well-defined target on every head, and the features must encode all five attributes,
 * so the Fréchet distance in them notices a wrong colour, shape, size, place or number of objects.
 *
 * <p>The Inception Score needs one distribution per image over classes that a good generator covers
 * evenly. It uses the joint of the {@link #scoreHeads() score heads}, by default (colour, shape):
 * log p(c, s | x) = log p(c | x) + log p(s | x), 48 classes, so the maximum score is 48. A separate
 * 48-way head would not do: training never shows the held-out (colour, shape) pairs, so such a head
 * could not recognise a correctly composed held-out pair, while the factored heads, each trained on
 * every colour and every shape, can. Counting, size and position stay out of the score because
 * captions and samples do not spread evenly over them.
 */
public final class SceneLabels {
  public static final String COLOUR = "colour";
  public static final String SHAPE = "shape";
  public static final String SIZE = "size";
  public static final String POSITION = "position";
  public static final String COUNT = "count";

  private final List<LabelHead> heads;
  private final List<String> scoreHeads;
  private final int[] offsets;
  private final int[] scoreIndices;

  /**
   * @param heads the heads, in logit order, with distinct names
   * @param scoreHeads names of the heads whose joint gives the Inception Score's classes
   */
  public SceneLabels(List<LabelHead> heads, List<String> scoreHeads) {
    if (heads == null || heads.isEmpty()) {
      throw new IllegalArgumentException("the evaluator needs at least one label head");
    }
    if (scoreHeads == null || scoreHeads.isEmpty()) {
      throw new IllegalArgumentException(
          "score_heads is empty; expected the heads whose joint the Inception Score uses, such as"
              + " [colour, shape]");
    }
    this.heads = List.copyOf(heads);
    this.scoreHeads = List.copyOf(scoreHeads);
    List<String> names = this.heads.stream().map(LabelHead::name).toList();
    if (new HashSet<>(names).size() != names.size()) {
      throw new IllegalArgumentException("label heads must have distinct names, got " + names);
    }
    if (new HashSet<>(this.scoreHeads).size() != this.scoreHeads.size()) {
      throw new IllegalArgumentException("score_heads repeats a head: " + this.scoreHeads);
    }
    offsets = new int[heads.size() + 1];
    for (int h = 0; h < heads.size(); h++) {
      offsets[h + 1] = offsets[h] + heads.get(h).size();
    }
    scoreIndices = new int[this.scoreHeads.size()];
    for (int i = 0; i < scoreIndices.length; i++) {
      scoreIndices[i] = names.indexOf(this.scoreHeads.get(i));
      if (scoreIndices[i] < 0) {
        throw new IllegalArgumentException(
            "score head '" + this.scoreHeads.get(i) + "' is not one of the heads " + names);
      }
    }
  }

  /** The scheme for the synthetic dataset described in the class comment. */
  public static SceneLabels synthetic() {
    List<String> counts = new ArrayList<>();
    for (int c = 1; c <= SyntheticVocabulary.MAX_COUNT; c++) {
      counts.add(Integer.toString(c));
    }
    return new SceneLabels(
        List.of(
            new LabelHead(COLOUR, words(SyntheticVocabulary.colours(), Colour::word)),
            new LabelHead(SHAPE, words(SyntheticVocabulary.shapes(), Shape::word)),
            new LabelHead(SIZE, words(SyntheticVocabulary.sizes(), Size::word)),
            new LabelHead(POSITION, words(SyntheticVocabulary.positions(), GridPosition::word)),
            new LabelHead(COUNT, counts)),
        List.of(COLOUR, SHAPE));
  }

  private static <T> List<String> words(List<T> values, Function<T, String> word) {
    return values.stream().map(word).toList();
  }

  public List<LabelHead> heads() {
    return heads;
  }

  public List<String> scoreHeads() {
    return scoreHeads;
  }

  /** Logits of all heads together. */
  public int classes() {
    return offsets[heads.size()];
  }

  /** Where head {@code h}'s logits start in a row of all logits. */
  public int offset(int h) {
    return offsets[h];
  }

  /** Classes of the Inception Score: the product of the score heads' sizes. */
  public int scoreClasses() {
    int n = 1;
    for (int h : scoreIndices) {
      n *= heads.get(h).size();
    }
    return n;
  }

  /** The score classes' names, e.g. {@code "red circle"}, the first score head varying slowest. */
  public List<String> scoreLabels() {
    List<String> names = List.of("");
    for (int h : scoreIndices) {
      List<String> next = new ArrayList<>();
      for (String prefix : names) {
        for (String label : heads.get(h).labels()) {
          next.add(prefix.isEmpty() ? label : prefix + " " + label);
        }
      }
      names = next;
    }
    return names;
  }

  /**
   * The training targets of one record: each head's distribution over its labels (see the class
   * comment), side by side in logit order; every head's part sums to 1.
   *
   * @param record the record's id, for error messages
   * @throws IllegalArgumentException when an attribute is missing or holds a value no head knows,
   *     saying that the evaluator needs the synthetic dataset's attributes
   */
  public float[] targets(Map<String, String> attributes, String record) {
    int count = objectCount(attributes, record);
    float[] targets = new float[classes()];
    for (int h = 0; h < heads.size(); h++) {
      LabelHead head = heads.get(h);
      if (head.name().equals(COUNT)) {
        targets[offsets[h] + labelIndex(head, Integer.toString(count), record)] = 1f;
        continue;
      }
      for (int i = 0; i < count; i++) {
        String value = attribute(attributes, "object." + i + "." + head.name(), record);
        targets[offsets[h] + labelIndex(head, value, record)] += 1f / count;
      }
    }
    return targets;
  }

  /**
   * The score classes of the record's objects (indices into {@link #scoreLabels()}): the joint
   * prediction is right when it is one of them.
   */
  public Set<Integer> scoreTargets(Map<String, String> attributes, String record) {
    int count = objectCount(attributes, record);
    Set<Integer> classes = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      int index = 0;
      for (int h : scoreIndices) {
        LabelHead head = heads.get(h);
        String value =
            head.name().equals(COUNT)
                ? Integer.toString(count)
                : attribute(attributes, "object." + i + "." + head.name(), record);
        index = index * head.size() + labelIndex(head, value, record);
      }
      classes.add(index);
    }
    return classes;
  }

  /**
   * The Inception Score's logits from the heads' logits: per row, the sum over the score heads of
   * their log-softmax, one column per joint class (a log-probability, so its softmax is the joint
   * distribution itself). Computed in float64.
   *
   * @param headLogits one row of {@link #classes()} logits per image, row-major
   * @return {@code rows × scoreClasses()} values, row-major
   */
  public double[] scoreLogits(double[] headLogits, int rows) {
    if (headLogits.length != (long) rows * classes()) {
      throw new IllegalArgumentException(
          headLogits.length + " logits are not " + rows + " rows of " + classes());
    }
    int k = scoreClasses();
    double[] out = new double[rows * k];
    double[][] logP = new double[scoreIndices.length][];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < scoreIndices.length; i++) {
        int h = scoreIndices[i];
        logP[i] = logSoftmax(headLogits, r * classes() + offsets[h], heads.get(h).size());
      }
      for (int c = 0; c < k; c++) {
        double sum = 0;
        int rest = c;
        for (int i = scoreIndices.length - 1; i >= 0; i--) {
          int size = heads.get(scoreIndices[i]).size();
          sum += logP[i][rest % size];
          rest /= size;
        }
        out[r * k + c] = sum;
      }
    }
    return out;
  }

  private static double[] logSoftmax(double[] x, int from, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[from + i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.exp(x[from + i] - max);
    }
    double log = max + Math.log(sum);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = x[from + i] - log;
    }
    return out;
  }

  private int objectCount(Map<String, String> attributes, String record) {
    String value = attribute(attributes, COUNT, record);
    int count;
    try {
      count = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "record " + record + " has count '" + value + "'; expected a whole number", e);
    }
    if (count < 1) {
      throw new IllegalArgumentException(
          "record " + record + " has count " + count + "; expected at least one object");
    }
    return count;
  }

  private static String attribute(Map<String, String> attributes, String key, String record) {
    String value = attributes.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "record "
              + record
              + " has no attribute '"
              + key
              + "' (it has "
              + new TreeSet<>(attributes.keySet())
              + "): the evaluator needs the synthetic dataset's ground-truth attributes; prepare"
              + " the data with --input synthetic:N");
    }
    return value;
  }

  private static int labelIndex(LabelHead head, String value, String record) {
    int index = head.labels().indexOf(value);
    if (index < 0) {
      throw new IllegalArgumentException(
          "record "
              + record
              + " has "
              + head.name()
              + " '"
              + value
              + "'; the evaluator knows "
              + head.labels());
    }
    return index;
  }
}

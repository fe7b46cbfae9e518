package org.dalle.models.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter), whose whole state can be saved and
 * restored, so that a resumed run takes bit-identical steps.
 *
 * <p>For a parameter θ with gradient g at update t (1-based), with learning rate η and weight decay
 * λ, in the order PyTorch's {@code torch.optim.AdamW} uses:
 *
 * <pre>
 *   θ ← θ·(1 − η·λ)                 only where the decay filter selects θ
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * The paper (Sections 2.1 and 2.2, Appendices A.2 and B.1) trains the dVAE with (0.9, 0.999, 1e-8,
 * λ 1e-4) and the transformer with (0.9, 0.96, 1e-8, λ 4.5e-2 on weights only); λ here multiplies η
 * as in PyTorch. DJL's own optimizers keep their moments out of reach, which is why this class
 * exists.
 *
 * <p>Each parameter's update runs under a sub-manager that is closed right after, so native memory
 * stays flat over a long run. Parameters whose {@link Parameter#requiresGradient()} is false are
 * skipped. Parameters and gradients must be FLOAT32 (mixed precision keeps FLOAT32 master weights).
 * Hyper-parameters may change between updates; the state is the update count and the two moments
 * per parameter name.
 */
public final class AdamW implements AutoCloseable {

  private static final String STEP = "step";
  private static final String FIRST = "m/";
  private static final String SECOND = "v/";

  /** A negative clip value turns off the fused update's element-wise clipping. */
  private static final float NO_CLIPPING = -1f;

  private final NDManager manager = NDManager.newBaseManager();
  private final BiPredicate<String, Parameter> decayFilter;
  private double beta1;
  private double beta2;
  private double epsilon;
  private double weightDecay;
  private long step;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private ParameterShard shard; // null: every element

  private AdamW(Builder builder) {
    decayFilter = builder.decayFilter;
    setBetas(builder.beta1, builder.beta2);
    setEpsilon(builder.epsilon);
    setWeightDecay(builder.weightDecay);
  }

  /** A builder with PyTorch's defaults: betas (0.9, 0.999), ε 1e-8, λ 1e-2, weights only. */
  public static Builder builder() {
    return new Builder();
  }

  /** Selects parameters of type {@link Parameter.Type#WEIGHT}: not biases, gains or norms. */
  public static BiPredicate<String, Parameter> weightsOnly() {
    return (name, parameter) -> parameter.getType() == Parameter.Type.WEIGHT;
  }

  /** Selects every parameter. */
  public static BiPredicate<String, Parameter> allParameters() {
    return (name, parameter) -> true;
  }

  /** The number of updates taken so far. */
  public long step() {
    return step;
  }

  public void setBetas(double beta1, double beta2) {
    this.beta1 = checkBeta("beta1", beta1);
    this.beta2 = checkBeta("beta2", beta2);
  }

  public void setEpsilon(double epsilon) {
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
    }
    this.epsilon = epsilon;
  }

  public void setWeightDecay(double weightDecay) {
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(
          "weight decay must be >= 0 and finite, got " + weightDecay);
    }
    this.weightDecay = weightDecay;
  }

  /**
   * From now on keeps moments for, and updates, only the elements {@code shard} owns (ZeRO stage 1:
   * the optimizer state is partitioned over ranks, each rank updates its slice of every parameter
   * and the ranks then exchange the updated slices). Moments held now are cut to their owned
   * slices.
   */
  public void shardOver(ParameterShard shard) {
    this.shard = shard;
    cutToShard(firstMoments);
    cutToShard(secondMoments);
  }

  /** Replaces a sharded state by the whole one, {@code whole} as {@link #exportState} writes it. */
  public void unshard(NDList whole) {
    shard = null;
    importState(whole);
  }

  /** The shard this optimizer keeps state for; empty when it keeps all of it. */
  public Optional<ParameterShard> shard() {
    return Optional.ofNullable(shard);
  }

  /** Bytes of moments held. */
  public long stateBytes() {
    long bytes = 0;
    for (NDArray m : firstMoments.values()) {
      bytes += 2 * m.getShape().size() * m.getDataType().getNumOfBytes();
    }
    return bytes;
  }

  /**
   * The global L2 norm of the gradients this optimizer applies ({@link Gradients#globalGradNorm});
   * with a shard, each rank's owned slices' sum of squares added over the ranks, since a rank may
   * hold averaged gradients for its slices only (ZeRO stage 2).
   */
  public double gradientNorm(ParameterList params) {
    if (shard == null) {
      return Gradients.globalGradNorm(params);
    }
    double sumOfSquares = 0;
    for (Pair<String, Parameter> entry : params) {
      Optional<ParameterShard.Slice> slice = shard.slice(entry.getKey());
      if (!entry.getValue().requiresGradient() || slice.isEmpty()) {
        continue;
      }
      NDArray weight = entry.getValue().getArray();
      try (NDManager scope = manager.newSubManager(weight.getDevice())) {
        weight.tempAttach(scope);
        NDArray grad = slice.get().of(weight.getGradient()).toType(DataType.FLOAT32, false);
        sumOfSquares += grad.square().sum().getFloat();
      }
    }
    return Math.sqrt(shard.sumOverRanks(sumOfSquares));
  }

  /**
   * Clips the gradients to a global norm of {@code maxNorm} as {@link Gradients#clipByGlobalNorm}
   * does, with the norm of {@link #gradientNorm}.
   *
   * @return the norm before clipping
   */
  public double clipGradientNorm(ParameterList params, double maxNorm) {
    if (shard == null) {
      return Gradients.clipByGlobalNorm(params, maxNorm);
    }
    return Gradients.clipToNorm(params, gradientNorm(params), maxNorm);
  }

  /**
   * Takes one update of every trainable parameter from its current gradient. Gradients are left as
   * they are; clear them before the next backward pass.
   *
   * @throws IllegalStateException when imported state does not match {@code params}
   */
  public void update(ParameterList params, double learningRate) {
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be >= 0 and finite, got " + learningRate);
    }
    List<Pair<String, Parameter>> trainable = new ArrayList<>();
    for (Pair<String, Parameter> entry : params) {
      if (!entry.getValue().requiresGradient()
          || (shard != null && shard.slice(entry.getKey()).isEmpty())) {
        continue;
      }
      NDArray weight = entry.getValue().getArray();
      if (weight.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "parameter '" + entry.getKey() + "' is " + weight.getDataType() + ", expected FLOAT32");
      }
      trainable.add(entry);
    }
    if (step > 0) {
      checkStateMatches(trainable);
    }
    step++;
    double stepSize = learningRate / (1 - Math.pow(beta1, step));
    double correction2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
    for (Pair<String, Parameter> entry : trainable) {
      String name = entry.getKey();
      NDArray weight = entry.getValue().getArray();
      double decay = decayFilter.test(name, entry.getValue()) ? learningRate * weightDecay : 0;
      try (NDManager scope = manager.newSubManager(weight.getDevice())) {
        weight.tempAttach(scope);
        NDArray grad = weight.getGradient(); // a new handle, owned by scope
        if (shard != null) {
          // Views of the owned elements: the update writes through them into the parameter.
          ParameterShard.Slice slice = shard.slice(name).orElseThrow();
          weight = slice.of(weight);
          grad = slice.of(grad);
        }
        NDArray m = moment(firstMoments, name, weight);
        NDArray v = moment(secondMoments, name, weight);
        m.tempAttach(scope);
        v.tempAttach(scope);
        // One native call per parameter (DJL's fused Adam, decoupled decay): θ ← θ − η·λ·θ, the
        // moments as above, then θ ← θ − (s·c₂)·m / (√v + ε·c₂), which is s·m / (√v / c₂ + ε)
        // with s = η / (1 − β₁ᵗ) and c₂ = √(1 − β₂ᵗ), rearranged so the native update applies it.
        JniUtils.adamUpdate(
            (PtNDArray) weight,
            (PtNDArray) grad,
            (PtNDArray) m,
            (PtNDArray) v,
            (float) learningRate,
            (float) (stepSize * correction2Sqrt),
            decay == 0 ? 0f : (float) weightDecay,
            1f,
            NO_CLIPPING,
            (float) beta1,
            (float) beta2,
            (float) (epsilon * correction2Sqrt),
            true);
      }
    }
  }

  /** Fails, before any parameter changes, when the moments were made for other parameters. */
  private void checkStateMatches(List<Pair<String, Parameter>> trainable) {
    Set<String> names = new TreeSet<>();
    trainable.forEach(entry -> names.add(entry.getKey()));
    if (!names.equals(firstMoments.keySet())) {
      Set<String> missing = new TreeSet<>(names);
      missing.removeAll(firstMoments.keySet());
      Set<String> unknown = new TreeSet<>(firstMoments.keySet());
      unknown.removeAll(names);
      throw new IllegalStateException(
          "optimizer state after "
              + step
              + " updates does not match the trainable parameters: no moments for "
              + missing
              + ", moments for unknown "
              + unknown
              + "; the state belongs to a different model");
    }
    for (Pair<String, Parameter> entry : trainable) {
      Shape expected =
          shard == null
              ? entry.getValue().getArray().getShape()
              : new Shape(shard.slice(entry.getKey()).orElseThrow().length());
      Shape actual = firstMoments.get(entry.getKey()).getShape();
      if (!actual.equals(expected)) {
        throw new IllegalStateException(
            "optimizer moment for parameter '"
                + entry.getKey()
                + "' has shape "
                + actual
                + ", but the parameter has shape "
                + expected);
      }
    }
  }

  /**
   * The moment of {@code name}, created as zeros on the first update and moved to the parameter's
   * device after an import.
   */
  private NDArray moment(Map<String, NDArray> moments, String name, NDArray weight) {
    NDArray moment = moments.get(name);
    if (moment == null) {
      moment = weight.zerosLike();
      moment.attach(manager);
      moments.put(name, moment);
    } else if (!moment.getDevice().equals(weight.getDevice())) {
      NDArray moved = moment.toDevice(weight.getDevice(), true);
      moved.attach(manager);
      moment.close();
      moments.put(name, moved);
      moment = moved;
    }
    return moment;
  }

  /**
   * Host copies of the state: an INT64 scalar named {@code step} and, per parameter name, arrays
   * named {@code m/<name>} and {@code v/<name>}.
   *
   * @param target owns the copies; the caller closes it
   */
  public NDList exportState(NDManager target) {
    NDList state = new NDList(1 + 2 * firstMoments.size());
    NDArray stepArray = target.create(step);
    stepArray.setName(STEP);
    state.add(stepArray);
    for (Map.Entry<String, NDArray> entry : firstMoments.entrySet()) {
      String name = entry.getKey();
      state.add(ParameterArrays.hostCopy(FIRST + name, entry.getValue(), target));
      state.add(ParameterArrays.hostCopy(SECOND + name, secondMoments.get(name), target));
    }
    return state;
  }

  /**
   * Replaces the state with copies of an exported one; hyper-parameters are not part of it. The
   * moments move to each parameter's device on the next update.
   *
   * @throws IllegalArgumentException when the list is not an exported AdamW state
   */
  public void importState(NDList state) {
    Map<String, NDArray> byName = ParameterArrays.byName(state, "optimizer state");
    NDArray stepArray = byName.remove(STEP);
    if (stepArray == null || stepArray.getDataType() != DataType.INT64) {
      throw new IllegalArgumentException("optimizer state has no INT64 array named 'step'");
    }
    Map<String, NDArray> first = new LinkedHashMap<>();
    Map<String, NDArray> second = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> entry : byName.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(FIRST)) {
        first.put(key.substring(FIRST.length()), entry.getValue());
      } else if (key.startsWith(SECOND)) {
        second.put(key.substring(SECOND.length()), entry.getValue());
      } else {
        throw new IllegalArgumentException(
            "optimizer state holds an array named '" + key + "'; expected step, m/... or v/...");
      }
    }
    if (!first.keySet().equals(second.keySet())) {
      throw new IllegalArgumentException(
          "optimizer state has first moments for "
              + new TreeSet<>(first.keySet())
              + " but second moments for "
              + new TreeSet<>(second.keySet()));
    }
    clearMoments();
    step = stepArray.getLong();
    first.forEach((name, array) -> firstMoments.put(name, ownCopy(array)));
    second.forEach((name, array) -> secondMoments.put(name, ownCopy(array)));
    if (shard != null) {
      cutToShard(firstMoments);
      cutToShard(secondMoments);
    }
  }

  /** Replaces whole-parameter moments by their owned slices and drops those of other ranks. */
  private void cutToShard(Map<String, NDArray> moments) {
    if (shard == null) {
      return;
    }
    for (String name : List.copyOf(moments.keySet())) {
      NDArray moment = moments.get(name);
      Optional<ParameterShard.Slice> slice = shard.slice(name);
      if (slice.isEmpty()) {
        moments.remove(name).close();
      } else if (moment.getShape().size() == slice.get().size()
          && slice.get().length() != slice.get().size()) {
        try (NDManager scope = manager.newSubManager(moment.getDevice())) {
          moment.tempAttach(scope);
          NDArray cut = slice.get().of(moment).duplicate();
          cut.attach(manager);
          moments.put(name, cut);
        }
        moment.close();
      } else if (moment.getShape().size() == slice.get().size()) {
        NDArray flat = moment.reshape(-1); // a whole parameter owned by this rank
        flat.attach(manager);
        moments.put(name, flat);
        moment.close();
      }
    }
  }

  /** Writes {@link #exportState} to {@code out} as an encoded {@link NDList}. */
  public void save(OutputStream out) throws IOException {
    try (NDManager scope = manager.newSubManager()) {
      exportState(scope).encode(out);
    }
  }

  /** Reads a state written by {@link #save} and imports it. */
  public void load(InputStream in) throws IOException {
    try (NDManager scope = manager.newSubManager()) {
      importState(NDList.decode(scope, in));
    }
  }

  private NDArray ownCopy(NDArray array) {
    NDArray copy = array.duplicate();
    copy.attach(manager);
    return copy;
  }

  private void clearMoments() {
    firstMoments.values().forEach(NDArray::close);
    secondMoments.values().forEach(NDArray::close);
    firstMoments.clear();
    secondMoments.clear();
  }

  @Override
  public void close() {
    manager.close();
  }

  private static double checkBeta(String name, double beta) {
    if (!(beta >= 0 && beta < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + beta);
    }
    return beta;
  }

  /** Builds an {@link AdamW}; every option has PyTorch's default. */
  public static final class Builder {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 1e-2;
    private BiPredicate<String, Parameter> decayFilter = weightsOnly();

    private Builder() {}

    public Builder optBetas(double beta1, double beta2) {
      this.beta1 = beta1;
      this.beta2 = beta2;
      return this;
    }

    public Builder optEpsilon(double epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public Builder optWeightDecay(double weightDecay) {
      this.weightDecay = weightDecay;
      return this;
    }

    /**
     * Which parameters (by key in the {@link ParameterList}, and by {@link Parameter}) receive
     * weight decay; {@link #weightsOnly()} by default. Embeddings are DJL WEIGHTs too: exclude them
     * by name where the paper does.
     */
    public Builder optDecayFilter(BiPredicate<String, Parameter> decayFilter) {
      if (decayFilter == null) {
        throw new IllegalArgumentException("decay filter must not be null");
      }
      this.decayFilter = decayFilter;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a hyper-parameter is out of range
     */
    public AdamW build() {
      return new AdamW(this);
    }
  }
}

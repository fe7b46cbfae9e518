package org.dalle.models.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An exponential moving average of parameters: {@code s ← d·s + (1 − d)·θ} after every update,
 * starting from {@code s = θ} at the first one. The paper keeps one with d = 0.999 for the dVAE and
 * d = 0.99 for the transformer (Appendices A.2 and B.1) and evaluates with the averaged weights.
 *
 * <p>{@link #swapInto} puts the averages into the model for an evaluation and restores the trained
 * weights when closed; {@link #copyTo} puts them in for good (for export). The shadows are saved in
 * the {@link ParameterArrays} format, named by parameter key. Every parameter is averaged,
 * trainable or not. Each update of a parameter runs under a sub-manager that is closed right after
 * it.
 */
public final class Ema implements AutoCloseable {

  private final NDManager manager = NDManager.newBaseManager();
  private final double decay;
  private final Map<String, NDArray> shadows = new LinkedHashMap<>();
  private ParameterShard shard; // null: every element

  /**
   * @param decay the weight of the old average, in [0, 1)
   */
  public Ema(double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw new IllegalArgumentException("EMA decay must be in [0, 1), got " + decay);
    }
    this.decay = decay;
  }

  public double decay() {
    return decay;
  }

  /** Whether the average has been started (by an update or an import). */
  public boolean isStarted() {
    return !shadows.isEmpty();
  }

  /**
   * From now on averages only the elements {@code shard} owns (ZeRO stage 1 partitions the EMA like
   * the optimizer state); averages held now are cut to their owned slices.
   */
  public void shardOver(ParameterShard shard) {
    this.shard = shard;
    for (String name : List.copyOf(shadows.keySet())) {
      NDArray shadow = shadows.get(name);
      Optional<ParameterShard.Slice> slice = shard.slice(name);
      if (slice.isEmpty()) {
        shadows.remove(name).close();
      } else if (shadow.getShape().size() == slice.get().size()) {
        try (NDManager scope = manager.newSubManager(shadow.getDevice())) {
          shadow.tempAttach(scope);
          NDArray cut = slice.get().of(shadow).duplicate();
          cut.attach(manager);
          shadows.put(name, cut);
        }
        shadow.close();
      }
    }
  }

  /** The shard this average keeps; empty when it keeps every element. */
  public Optional<ParameterShard> shard() {
    return Optional.ofNullable(shard);
  }

  /**
   * Replaces a sharded average by the whole one, {@code full} as {@link #exportState} writes it.
   */
  public void unshard(NDList full) {
    shard = null;
    importState(full);
  }

  /** Bytes of averages held. */
  public long stateBytes() {
    long bytes = 0;
    for (NDArray shadow : shadows.values()) {
      bytes += shadow.getShape().size() * shadow.getDataType().getNumOfBytes();
    }
    return bytes;
  }

  /**
   * Folds the current parameter values into the average; the first call copies them.
   *
   * @throws IllegalStateException when {@code params} names differ from the averaged ones
   */
  public void update(ParameterList params) {
    boolean first = shadows.isEmpty();
    if (!first) {
      checkNames(params);
    }
    for (Pair<String, Parameter> entry : params) {
      Optional<ParameterShard.Slice> slice =
          shard == null ? Optional.empty() : shard.slice(entry.getKey());
      if (shard != null && slice.isEmpty()) {
        continue;
      }
      NDArray weight = entry.getValue().getArray();
      try (NDManager scope = manager.newSubManager(weight.getDevice())) {
        weight.tempAttach(scope);
        NDArray owned = slice.isPresent() ? slice.get().of(weight) : weight;
        if (first) {
          NDArray copy = owned.duplicate();
          copy.attach(manager);
          shadows.put(entry.getKey(), copy);
          continue;
        }
        NDArray shadow = shadow(entry.getKey(), owned);
        shadow.muli((float) decay).addi(owned.mul((float) (1 - decay)));
      }
    }
  }

  /**
   * Copies the averages into {@code params} until the returned handle is closed, which copies the
   * trained values back. Use it with try-with-resources around an evaluation.
   */
  public Swap swapInto(ParameterList params) {
    checkStarted();
    checkNames(params);
    NDManager backups = manager.newSubManager();
    NDList saved = ParameterArrays.export(params, backups);
    copyTo(params);
    return new Swap(params, saved, backups);
  }

  /** Overwrites {@code params} in place with the averages. */
  public void copyTo(ParameterList params) {
    checkStarted();
    checkNames(params);
    for (Pair<String, Parameter> entry : params) {
      NDArray weight = entry.getValue().getArray();
      ParameterArrays.copyInto(entry.getKey(), shadow(entry.getKey(), weight), weight);
    }
  }

  /**
   * Host copies of the averages, named by parameter key.
   *
   * @param target owns the copies; the caller closes it
   */
  public NDList exportState(NDManager target) {
    NDList state = new NDList(shadows.size());
    shadows.forEach((name, shadow) -> state.add(ParameterArrays.hostCopy(name, shadow, target)));
    return state;
  }

  /** Replaces the averages with copies of an exported state. */
  public void importState(NDList state) {
    Map<String, NDArray> byName = ParameterArrays.byName(state, "EMA state");
    shadows.values().forEach(NDArray::close);
    shadows.clear();
    byName.forEach(
        (name, array) -> {
          NDArray copy = array.duplicate();
          copy.attach(manager);
          shadows.put(name, copy);
        });
    if (shard != null) {
      shardOver(shard);
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

  /** The shadow of {@code name}, moved to the weight's device after an import. */
  private NDArray shadow(String name, NDArray weight) {
    NDArray shadow = shadows.get(name);
    if (!shadow.getShape().equals(weight.getShape())
        || shadow.getDataType() != weight.getDataType()) {
      throw new IllegalStateException(
          "EMA of parameter '"
              + name
              + "' is "
              + shadow.getDataType()
              + shadow.getShape()
              + ", but the parameter is "
              + weight.getDataType()
              + weight.getShape());
    }
    if (!shadow.getDevice().equals(weight.getDevice())) {
      NDArray moved = shadow.toDevice(weight.getDevice(), true);
      moved.attach(manager);
      shadow.close();
      shadows.put(name, moved);
      shadow = moved;
    }
    return shadow;
  }

  private void checkStarted() {
    if (shadows.isEmpty()) {
      throw new IllegalStateException("the EMA has no values yet: call update() or load() first");
    }
    if (shard != null) {
      throw new IllegalStateException(
          "the EMA holds only rank "
              + shard.rank()
              + "'s shard: gather the whole average and unshard() it first");
    }
  }

  private void checkNames(ParameterList params) {
    Set<String> expected = new HashSet<>(params.keys());
    if (shard != null) {
      expected.removeIf(name -> shard.slice(name).isEmpty());
    }
    if (!shadows.keySet().equals(expected)) {
      TreeSet<String> missing = new TreeSet<>(expected);
      missing.removeAll(shadows.keySet());
      TreeSet<String> extra = new TreeSet<>(shadows.keySet());
      extra.removeAll(expected);
      throw new IllegalStateException(
          "EMA parameters do not match the model: not averaged " + missing + ", unknown " + extra);
    }
  }

  @Override
  public void close() {
    manager.close();
  }

  /** The averages swapped into a model; closing it restores the trained values. */
  public static final class Swap implements AutoCloseable {
    private final ParameterList params;
    private final NDList saved;
    private final NDManager backups;

    private Swap(ParameterList params, NDList saved, NDManager backups) {
      this.params = params;
      this.saved = saved;
      this.backups = backups;
    }

    @Override
    public void close() {
      try (backups) {
        ParameterArrays.restore(params, saved);
      }
    }
  }
}

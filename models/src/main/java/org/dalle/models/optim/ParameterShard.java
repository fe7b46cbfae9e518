package org.dalle.models.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleUnaryOperator;

/**
 * The part of a model's parameters that one of several ranks owns under ZeRO-style sharding
 * (Rajbhandari et al., 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
 * Models"; the paper's Section 2.5 shards the 12B model's parameters over the 8 GPUs of a machine).
 *
 * <p>The parameters are laid end to end in list order, each flattened, into a flat vector of N
 * elements, padded with zeros to a multiple of the rank count W and cut into W equal contiguous
 * shards of S = ⌈N / W⌉ elements: rank r owns flat elements [r·S, (r+1)·S). A parameter may be
 * split between ranks; the part of it a rank owns is a {@link Slice}. {@link AdamW} and {@link Ema}
 * keep their state only for the owned slices once given a shard, and {@link #sumOverRanks} adds a
 * figure over all ranks (the global gradient norm needs every shard's sum of squares).
 */
public final class ParameterShard {

  /**
   * The elements of one parameter that a rank owns.
   *
   * @param name the parameter's key
   * @param size the parameter's element count
   * @param from first owned element of the flattened parameter
   * @param to one past the last owned element
   * @param shardOffset where {@code from} lies in the rank's shard
   */
  public record Slice(String name, long size, long from, long to, long shardOffset) {
    /** Owned elements. */
    public long length() {
      return to - from;
    }

    /**
     * This slice of {@code array} (the parameter, its gradient or a same-shaped state) as a 1-D
     * view.
     */
    public NDArray of(NDArray array) {
      return array.reshape(-1).get(new NDIndex().addSliceDim(from, to));
    }
  }

  private final int rank;
  private final int worldSize;
  private final List<String> names;
  private final long[] offsets;
  private final long[] sizes;
  private final long shardElements;
  private final Map<String, Slice> owned;
  private final DoubleUnaryOperator sumOverRanks;

  private ParameterShard(
      int rank,
      int worldSize,
      List<String> names,
      long[] offsets,
      long[] sizes,
      DoubleUnaryOperator sumOverRanks) {
    this.rank = rank;
    this.worldSize = worldSize;
    this.names = List.copyOf(names);
    this.offsets = offsets;
    this.sizes = sizes;
    long total = sizes.length == 0 ? 0 : offsets[sizes.length - 1] + sizes[sizes.length - 1];
    this.shardElements = (total + worldSize - 1) / worldSize;
    this.sumOverRanks = sumOverRanks;
    long start = rank * shardElements;
    long end = start + shardElements;
    Map<String, Slice> slices = new LinkedHashMap<>();
    for (int i = 0; i < sizes.length; i++) {
      long from = Math.max(start, offsets[i]);
      long to = Math.min(end, offsets[i] + sizes[i]);
      if (from < to) {
        slices.put(
            names.get(i),
            new Slice(names.get(i), sizes[i], from - offsets[i], to - offsets[i], from - start));
      }
    }
    this.owned = Collections.unmodifiableMap(slices);
  }

  /**
   * Rank {@code rank}'s shard of {@code params}.
   *
   * @param sumOverRanks adds a figure over all ranks; every rank calls it at the same point
   * @throws IllegalArgumentException when the rank is not in [0, worldSize)
   */
  public static ParameterShard of(
      ParameterList params, int rank, int worldSize, DoubleUnaryOperator sumOverRanks) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank " + rank + " of " + worldSize + "; expected 0 <= rank < worldSize");
    }
    List<String> names = new ArrayList<>();
    long[] offsets = new long[params.size()];
    long[] sizes = new long[params.size()];
    long offset = 0;
    int i = 0;
    for (Pair<String, Parameter> entry : params) {
      names.add(entry.getKey());
      offsets[i] = offset;
      sizes[i] = entry.getValue().getArray().getShape().size();
      offset += sizes[i];
      i++;
    }
    return new ParameterShard(rank, worldSize, names, offsets, sizes, sumOverRanks);
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /** S: the elements every shard holds, padding included. */
  public long shardElements() {
    return shardElements;
  }

  /** N: the elements of all parameters. */
  public long totalElements() {
    int last = sizes.length - 1;
    return last < 0 ? 0 : offsets[last] + sizes[last];
  }

  /** The parameters' keys in flat order. */
  public List<String> names() {
    return names;
  }

  /** Where parameter {@code index} starts in the flat vector. */
  public long offset(int index) {
    return offsets[index];
  }

  /** Elements of parameter {@code index}. */
  public long size(int index) {
    return sizes[index];
  }

  /** The owned slice of the parameter named {@code name}, if this rank owns any of it. */
  public Optional<Slice> slice(String name) {
    return Optional.ofNullable(owned.get(name));
  }

  /** The owned slices in flat order. */
  public List<Slice> slices() {
    return List.copyOf(owned.values());
  }

  /** {@code local} added over all ranks. */
  public double sumOverRanks(double local) {
    return sumOverRanks.applyAsDouble(local);
  }
}

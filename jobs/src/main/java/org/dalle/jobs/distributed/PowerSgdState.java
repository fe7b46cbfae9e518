package org.dalle.jobs.distributed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dalle.collective.CollectiveGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link PowerSgd} carries from one update to the next on one rank: each gradient matrix's
 * error feedback e (n×m, different on every rank) and its warm-start Q (m×k, the same on every rank
 * that compresses the matrix, since it is a mean over them), and how both go into a checkpoint.
 *
 * <p>Rank 0 writes checkpoints, so {@link #gather} collects every rank's errors there: each rank in
 * turn broadcasts its own over the world group. A checkpoint's list holds {@code arrangement}
 * (world size, ranks per machine, PowerSGD rank), {@code error/rank-<r>/<parameter>} for every rank
 * r and matrix r compresses, and {@code q/<parameter>} once per matrix (from machine 0's rank that
 * compresses it). {@link #restore} takes up this rank's errors and Qs, or starts from zero with a
 * warning when the checkpoint was written by another arrangement or for other matrices.
 */
final class PowerSgdState {
  private static final Logger LOG = LoggerFactory.getLogger(PowerSgdState.class);

  static final String ARRANGEMENT = "arrangement";

  /**
   * How the ranks compress: errors only continue under the same one.
   *
   * @param worldSize all ranks
   * @param ranksPerNode ranks per machine of hierarchical PowerSGD, 1 for flat
   * @param rank PowerSGD's approximation rank
   */
  record Arrangement(int worldSize, int ranksPerNode, int rank) {
    static Arrangement of(int[] values) {
      if (values.length != 3) {
        throw new IllegalArgumentException(
            "PowerSGD arrangement of " + values.length + " numbers; expected 3");
      }
      return new Arrangement(values[0], values[1], values[2]);
    }

    int[] values() {
      return new int[] {worldSize, ranksPerNode, rank};
    }

    @Override
    public String toString() {
      return String.format(
          "rank %d on %d ranks (%s)",
          rank,
          worldSize,
          ranksPerNode > 1 ? "between machines of " + ranksPerNode + " ranks" : "flat");
    }
  }

  /**
   * One gradient matrix, its first axis against the rest.
   *
   * @param owner the local rank that compresses it (0 when flat)
   */
  record Matrix(String name, long n, long m, int k, int owner) {}

  private final NDManager manager = NDManager.newBaseManager();
  private final Map<String, NDArray> errors = new HashMap<>();
  private final Map<String, NDArray> qs = new HashMap<>();
  private boolean started;

  /** This rank's error for {@code name}, n×m; null before its first update. */
  NDArray error(String name) {
    return errors.get(name);
  }

  /** The Q {@code name} ended its last update with, m×k; null before its first update. */
  NDArray q(String name) {
    return qs.get(name);
  }

  /** Keeps copies of a matrix's new error and Q for the next update. */
  void keep(String name, NDArray error, NDArray q) {
    put(errors, name, error);
    put(qs, name, q);
    started = true;
  }

  /**
   * The state of every rank, complete on rank 0 (other ranks get the arrangement and their own
   * part); every rank must call it. Before the first update it is the arrangement alone.
   *
   * @param matrices every gradient matrix, in parameter order, the same on every rank
   * @param rank this process's rank
   */
  NDList gather(
      List<Matrix> matrices,
      Arrangement arrangement,
      GroupCollectives collectives,
      int rank,
      NDManager scope) {
    NDList saved = new NDList();
    NDArray values = scope.create(arrangement.values());
    values.setName(ARRANGEMENT);
    saved.add(values);
    if (!started) {
      return saved;
    }
    for (int r = 0; r < arrangement.worldSize(); r++) {
      int local = r % arrangement.ranksPerNode();
      // Q is the same on every machine: machine 0's owners hold all of them.
      boolean withQ = r < arrangement.ranksPerNode();
      NDList arrays = new NDList();
      for (Matrix matrix : matrices) {
        if (matrix.owner() == local) {
          String name = matrix.name();
          arrays.add(copy(r == rank, errors, name, errorShape(matrix), errorName(r, name), scope));
          if (withQ) {
            arrays.add(copy(r == rank, qs, name, qShape(matrix), qName(name), scope));
          }
        }
      }
      if (r != 0 && !arrays.isEmpty()) {
        collectives.broadcast(arrays, r, CollectiveGroup.WORLD);
      }
      if (rank == 0 || r == rank) {
        saved.addAll(arrays);
      }
    }
    return saved;
  }

  /** A copy of this rank's state of {@code parameter}, or zeros for another rank's. */
  private static NDArray copy(
      boolean own,
      Map<String, NDArray> kept,
      String parameter,
      Shape shape,
      String name,
      NDManager scope) {
    NDArray copy;
    if (own) {
      NDArray array = kept.get(parameter);
      if (array == null) {
        throw new IllegalStateException(
            "PowerSGD holds no state for '" + parameter + "', which this rank compresses");
      }
      copy = array.duplicate();
      copy.attach(scope);
    } else {
      copy = scope.zeros(shape);
    }
    copy.setName(name);
    return copy;
  }

  /**
   * Replaces the state by this rank's part of {@code saved}, a list {@link #gather} returned on
   * rank 0; starts from zero, with a warning, when {@code saved} is empty (a checkpoint without
   * PowerSGD), of another arrangement, or not of {@code matrices}.
   */
  void restore(
      NDList saved, List<Matrix> matrices, Arrangement arrangement, int rank, String source) {
    clear();
    if (saved.isEmpty()) {
      LOG.warn(
          source
              + " holds no PowerSGD state (written without PowerSGD, or before checkpoints held"
              + " it): the error feedback and Q start from zero");
      return;
    }
    Map<String, NDArray> byName = new HashMap<>();
    for (NDArray array : saved) {
      byName.put(array.getName(), array);
    }
    NDArray values = byName.get(ARRANGEMENT);
    if (values == null) {
      throw new IllegalArgumentException(
          source + " holds PowerSGD state without an array named '" + ARRANGEMENT + "'");
    }
    Arrangement before = Arrangement.of(values.toIntArray());
    if (!before.equals(arrangement)) {
      LOG.warn(
          String.format(
              "%s holds the PowerSGD state of %s, but this run is %s: each rank's error feedback"
                  + " belongs to the arrangement that wrote it, so the errors and Q start from zero"
                  + " and the run does not continue as an uninterrupted one would; resume with the"
                  + " same number of ranks, --ranks-per-node and DALLE_POWERSGD_RANK to keep them",
              source, before, arrangement));
      return;
    }
    if (byName.size() == 1) {
      return; // written before the first update: nothing carried yet
    }
    Map<String, NDArray> myErrors = new HashMap<>();
    Map<String, NDArray> myQs = new HashMap<>();
    List<String> problems = new ArrayList<>();
    int local = rank % arrangement.ranksPerNode();
    for (Matrix matrix : matrices) {
      if (matrix.owner() != local) {
        continue;
      }
      String name = matrix.name();
      take(byName, errorName(rank, name), errorShape(matrix), name, myErrors, problems);
      take(byName, qName(name), qShape(matrix), name, myQs, problems);
    }
    if (!problems.isEmpty()) {
      LOG.warn(
          source
              + "'s PowerSGD state does not fit this model ("
              + String.join("; ", problems)
              + "): the error feedback and Q start from zero");
      return;
    }
    myErrors.forEach((name, error) -> put(errors, name, error));
    myQs.forEach((name, q) -> put(qs, name, q));
    started = true;
  }

  private static void take(
      Map<String, NDArray> byName,
      String key,
      Shape expected,
      String parameter,
      Map<String, NDArray> into,
      List<String> problems) {
    NDArray array = byName.get(key);
    if (array == null) {
      problems.add(key + " is missing");
    } else if (!array.getShape().equals(expected)) {
      problems.add(key + " is " + array.getShape() + ", expected " + expected);
    } else {
      into.put(parameter, array);
    }
  }

  private static String errorName(int rank, String parameter) {
    return "error/rank-" + rank + "/" + parameter;
  }

  private static String qName(String parameter) {
    return "q/" + parameter;
  }

  private static Shape errorShape(Matrix matrix) {
    return new Shape(matrix.n(), matrix.m());
  }

  private static Shape qShape(Matrix matrix) {
    return new Shape(matrix.m(), matrix.k());
  }

  private void clear() {
    errors.values().forEach(NDArray::close);
    qs.values().forEach(NDArray::close);
    errors.clear();
    qs.clear();
    started = false;
  }

  private void put(Map<String, NDArray> map, String name, NDArray value) {
    NDArray copy = value.duplicate();
    copy.attach(manager);
    NDArray old = map.put(name, copy);
    if (old != null) {
      old.close();
    }
  }
}

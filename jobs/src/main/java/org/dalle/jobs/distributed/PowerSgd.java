package org.dalle.jobs.distributed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.dalle.collective.CollectiveGroup;
import org.dalle.collective.NodeLayout;
import org.dalle.jobs.train.GradientReducer;

/**
 * PowerSGD gradient compression with error feedback (Vogels et al. 2019), which the paper uses for
 * the all-reduce between machines (Section 2.5): each gradient matrix M (its first axis against the
 * rest) plus this rank's error e is approximated at rank k by one power iteration,
 *
 * <pre>
 *   M' = M + e;  P = mean(M' Q);  P = orthonormal(P);  Q = mean(M'ᵀ P);  M ≈ P Qᵀ;  e = M' − P Qᵀ
 * </pre>
 *
 * so the ranks exchange P (n×k) and Q (m×k) instead of M (n×m); Q is kept for the next step (warm
 * start). k is min(rank, n, m): at full rank P Qᵀ is the mean of the M' exactly, so the result
 * equals the uncompressed all-reduce up to rounding. Gradients of one axis (biases, gains) are
 * all-reduced uncompressed. The errors and Qs go into checkpoints ({@link PowerSgdState}: rank 0
 * gathers every rank's errors), so a resumed run continues the uninterrupted one; resumed with
 * another world size, ranks per machine or PowerSGD rank, they start from zero with a warning.
 *
 * <p>Flat, the means run over all ranks. Between machines of L ranks each ({@link
 * NodeLayout#isHierarchical}), as the paper arranges it: the gradients are first averaged plainly
 * over the machine's ranks (node group); each gradient has an owner among the L local ranks ({@link
 * GradientOwners}), which runs the power iteration on it with the means over the ranks of its local
 * rank on every machine (cross group), so each machine sends every gradient once, compressed; then
 * each owner broadcasts its gradients to the other ranks of its machine.
 */
public final class PowerSgd implements GradientReducer {

  /** Averages arrays over ranks in place: a {@link DataParallel}, or nothing for one process. */
  interface ArrayMean extends Consumer<List<NDArray>> {}

  private final GradientReducer ranks;
  private final GroupCollectives collectives;
  private final int rank;
  private final int localRank;
  private final int ranksPerNode;
  private final PowerSgdState state = new PowerSgdState();
  private long reductions;
  private long sentFloats;
  private long ownSentFloats;
  private long uncompressedFloats;

  /**
   * Flat PowerSGD in one process (the compressor on its own, as its tests use it): {@code mean}
   * stands for the all-reduce, and a broadcast within a group of one rank leaves the arrays as they
   * are.
   *
   * @param ranks where this process stands, the broadcast and the figures' mean; one rank
   * @param mean the all-reduce of P, Q and the uncompressed gradients
   * @param rank the approximation rank k, at least 1
   */
  PowerSgd(GradientReducer ranks, ArrayMean mean, int rank) {
    this(
        requireOneRank(ranks),
        new GroupCollectives() {
          @Override
          public void allReduceMean(List<NDArray> arrays, CollectiveGroup group) {
            mean.accept(arrays);
          }

          @Override
          public void broadcast(List<NDArray> arrays, int root, CollectiveGroup group) {
            // One rank: the root's arrays are already this rank's.
          }
        },
        rank,
        0,
        1);
  }

  private static GradientReducer requireOneRank(GradientReducer ranks) {
    if (ranks.worldSize() != 1) {
      throw new IllegalArgumentException(
          "this PowerSGD constructor is for one process; "
              + ranks.worldSize()
              + " ranks need PowerSgd.over(dataParallel, rank)");
    }
    return ranks;
  }

  /**
   * @param collectives the means and broadcasts, on the world group when {@code ranksPerNode} is 1,
   *     on the node and cross groups otherwise
   * @param localRank this rank's number on its machine
   * @param ranksPerNode L: 1 for flat PowerSGD over all ranks, else the ranks of a machine
   */
  private PowerSgd(
      GradientReducer ranks,
      GroupCollectives collectives,
      int rank,
      int localRank,
      int ranksPerNode) {
    if (rank < 1) {
      throw new IllegalArgumentException("PowerSGD rank " + rank + "; expected at least 1");
    }
    this.ranks = ranks;
    this.collectives = collectives;
    this.rank = rank;
    this.localRank = localRank;
    this.ranksPerNode = ranksPerNode;
  }

  /** PowerSGD at {@code rank} over all the ranks of {@code dataParallel}. */
  public static PowerSgd over(DataParallel dataParallel, int rank) {
    return new PowerSgd(dataParallel, dataParallel, rank, 0, 1);
  }

  /**
   * PowerSGD at {@code rank} between the machines of {@code dataParallel}'s layout, which must be
   * hierarchical: a plain mean inside each machine, compression only between machines.
   */
  public static PowerSgd betweenMachines(DataParallel dataParallel, int rank) {
    NodeLayout layout = dataParallel.layout();
    if (!layout.isHierarchical()) {
      throw new IllegalArgumentException(
          layout + " has no machines of several ranks; use PowerSgd.over for flat PowerSGD");
    }
    return new PowerSgd(
        dataParallel,
        dataParallel,
        rank,
        layout.localRank(dataParallel.rank()),
        layout.ranksPerNode());
  }

  private boolean hierarchical() {
    return ranksPerNode > 1;
  }

  @Override
  public void reduce(ParameterList parameters) {
    List<String> names = new ArrayList<>();
    List<NDArray> weights = new ArrayList<>();
    for (Pair<String, Parameter> entry : parameters) {
      if (entry.getValue().requiresGradient()) {
        names.add(entry.getKey());
        weights.add(entry.getValue().getArray());
      }
    }
    if (weights.isEmpty()) {
      return;
    }
    try (NDManager scope = NDManager.subManagerOf(weights.get(0))) {
      List<NDArray> gradients = new ArrayList<>();
      for (NDArray weight : weights) {
        weight.tempAttach(scope);
        gradients.add(weight.getGradient());
      }
      CollectiveGroup between = CollectiveGroup.WORLD;
      if (hierarchical()) {
        collectives.allReduceMean(gradients, CollectiveGroup.NODE);
        between = CollectiveGroup.CROSS;
      }
      long[] sizes = new long[gradients.size()];
      for (int i = 0; i < sizes.length; i++) {
        sizes[i] = gradients.get(i).getShape().size();
      }
      int[] owners = GradientOwners.assign(sizes, ranksPerNode);
      List<Integer> matrices = new ArrayList<>();
      List<NDArray> plain = new ArrayList<>();
      for (int i = 0; i < gradients.size(); i++) {
        long sent = sentFloats(gradients.get(i).getShape());
        sentFloats += sent;
        uncompressedFloats += sizes[i];
        if (owners[i] != localRank) {
          continue;
        }
        ownSentFloats += sent;
        if (gradients.get(i).getShape().dimension() >= 2) {
          matrices.add(i);
        } else {
          plain.add(gradients.get(i));
        }
      }
      compress(names, gradients, matrices, plain, between, scope);
      if (hierarchical()) {
        for (int owner = 0; owner < ranksPerNode; owner++) {
          List<NDArray> owned = new ArrayList<>();
          for (int i = 0; i < gradients.size(); i++) {
            if (owners[i] == owner) {
              owned.add(gradients.get(i));
            }
          }
          collectives.broadcast(owned, owner, CollectiveGroup.NODE);
        }
      }
    }
    reductions++;
  }

  /**
   * One power iteration on each of {@code matrices} (indices into {@code gradients}) and the plain
   * mean of the {@code plain} gradients, all over {@code group}; the gradients are replaced by
   * their averaged approximations.
   */
  private void compress(
      List<String> names,
      List<NDArray> gradients,
      List<Integer> matrices,
      List<NDArray> plain,
      CollectiveGroup group,
      NDManager scope) {
    // M' = M + e, and P = M' Q for every matrix; then one all-reduce for all P and the rest.
    List<NDArray> corrected = new ArrayList<>();
    List<NDArray> ps = new ArrayList<>();
    for (int i : matrices) {
      NDArray gradient = gradients.get(i);
      long n = gradient.getShape().get(0);
      long m = gradient.getShape().size() / n;
      int k = (int) Math.min(rank, Math.min(n, m));
      String name = names.get(i);
      NDArray matrix = gradient.reshape(n, m);
      NDArray error = state.error(name);
      NDArray withError = error == null ? matrix.duplicate() : matrix.add(error);
      corrected.add(withError);
      ps.add(withError.matMul(q(name, m, k, scope)));
    }
    List<NDArray> firstRound = new ArrayList<>(ps);
    firstRound.addAll(plain);
    collectives.allReduceMean(firstRound, group);
    List<NDArray> newQs = new ArrayList<>();
    for (int j = 0; j < matrices.size(); j++) {
      NDArray p = orthonormalColumns(ps.get(j), scope);
      ps.set(j, p);
      newQs.add(corrected.get(j).transpose().matMul(p));
    }
    collectives.allReduceMean(newQs, group);
    for (int j = 0; j < matrices.size(); j++) {
      int i = matrices.get(j);
      NDArray approximation = ps.get(j).matMul(newQs.get(j).transpose());
      state.keep(names.get(i), corrected.get(j).sub(approximation), newQs.get(j));
      DataParallel.memoryOf(gradients.get(i)).put(DataParallel.memoryOf(approximation));
    }
  }

  /** The elements a gradient of {@code shape} costs on the wire: P and Q, or itself. */
  private long sentFloats(Shape shape) {
    if (shape.dimension() < 2) {
      return shape.size();
    }
    long n = shape.get(0);
    long m = shape.size() / n;
    long k = Math.min(rank, Math.min(n, m));
    return (n + m) * k;
  }

  /**
   * The fraction of gradient elements not sent, over all reductions so far; between machines, of
   * the elements each machine sends to the others.
   */
  public double compression() {
    return uncompressedFloats == 0 ? 0 : 1 - (double) sentFloats / uncompressedFloats;
  }

  /** What was sent, for the log: per update, and between machines this rank's share of it. */
  public String summary() {
    if (reductions == 0) {
      return "PowerSGD: no gradients reduced";
    }
    if (!hierarchical()) {
      return String.format(
          "PowerSGD: %.1f%% of the gradient elements not sent (%d floats per update instead of"
              + " %d)",
          100 * compression(), sentFloats / reductions, uncompressedFloats / reductions);
    }
    return String.format(
        "PowerSGD between machines: each machine sends %d floats per update instead of %d"
            + " uncompressed, %.1f%% not sent; this rank (local rank %d of %d) sends %d of them",
        sentFloats / reductions,
        uncompressedFloats / reductions,
        100 * compression(),
        localRank,
        ranksPerNode,
        ownSentFloats / reductions);
  }

  /** The error this rank carries for parameter {@code name}, flattened; empty before any step. */
  float[] errorOf(String name) {
    NDArray error = state.error(name);
    return error == null ? new float[0] : error.toFloatArray();
  }

  /** This matrix's Q from the last step, or a random start the same on every rank. */
  private NDArray q(String name, long m, int k, NDManager scope) {
    NDArray previous = state.q(name);
    if (previous != null && previous.getShape().equals(new Shape(m, k))) {
      return previous;
    }
    Random random = new Random(name.hashCode() * 31L + k);
    float[] values = new float[(int) (m * k)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return scope.create(values, new Shape(m, k));
  }

  /** {@code p}'s columns made orthonormal by Gram–Schmidt, in double precision. */
  static NDArray orthonormalColumns(NDArray p, NDManager scope) {
    int n = (int) p.getShape().get(0);
    int k = (int) p.getShape().get(1);
    float[] values = p.toFloatArray(); // row-major (n, k)
    double[][] columns = new double[k][n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < k; c++) {
        columns[c][r] = values[r * k + c];
      }
    }
    for (int c = 0; c < k; c++) {
      double[] v = columns[c];
      for (int pass = 0; pass < 2; pass++) { // twice is enough (Kahan, Parlett)
        for (int l = 0; l < c; l++) {
          double dot = 0;
          for (int r = 0; r < n; r++) {
            dot += v[r] * columns[l][r];
          }
          for (int r = 0; r < n; r++) {
            v[r] -= dot * columns[l][r];
          }
        }
      }
      double norm = 0;
      for (double x : v) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < n; r++) {
        v[r] = norm > 1e-30 ? v[r] / norm : 0; // a direction M' lacks adds nothing
      }
    }
    float[] result = new float[n * k];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < k; c++) {
        result[r * k + c] = (float) columns[c][r];
      }
    }
    return scope.create(result, new Shape(n, k));
  }

  /** Every rank's errors and the Qs, gathered on rank 0 ({@link PowerSgdState#gather}). */
  @Override
  public NDList checkpointState(ParameterList parameters, NDManager scope) {
    return state.gather(matrices(parameters), arrangement(), collectives, rank(), scope);
  }

  /** Takes up this rank's errors and Qs ({@link PowerSgdState#restore}). */
  @Override
  public void restoreState(NDList saved, ParameterList parameters, String source) {
    state.restore(saved, matrices(parameters), arrangement(), rank(), source);
  }

  private PowerSgdState.Arrangement arrangement() {
    return new PowerSgdState.Arrangement(worldSize(), ranksPerNode, rank);
  }

  /**
   * The gradient matrices of {@code parameters}, with their owners, as {@link #reduce} sees them.
   */
  private List<PowerSgdState.Matrix> matrices(ParameterList parameters) {
    List<String> names = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (Pair<String, Parameter> entry : parameters) {
      if (entry.getValue().requiresGradient()) {
        names.add(entry.getKey());
        shapes.add(entry.getValue().getArray().getShape());
      }
    }
    long[] sizes = new long[shapes.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = shapes.get(i).size();
    }
    int[] owners = GradientOwners.assign(sizes, ranksPerNode);
    List<PowerSgdState.Matrix> matrices = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Shape shape = shapes.get(i);
      if (shape.dimension() >= 2) {
        long n = shape.get(0);
        long m = shape.size() / n;
        int k = (int) Math.min(rank, Math.min(n, m));
        matrices.add(new PowerSgdState.Matrix(names.get(i), n, m, k, owners[i]));
      }
    }
    return matrices;
  }

  @Override
  public int rank() {
    return ranks.rank();
  }

  @Override
  public int worldSize() {
    return ranks.worldSize();
  }

  @Override
  public void broadcastParameters(ParameterList parameters) {
    ranks.broadcastParameters(parameters);
  }

  @Override
  public double[] mean(double[] values) {
    return ranks.mean(values);
  }
}

package org.dalle.jobs.cluster;

/**
 * What PowerSGD (Vogels et al. 2019) sends between machines instead of a resblock's gradient: its
 * rank-r factors P and Q for each weight matrix G ≈ P Qᵀ, all-reduced one after the other.
 *
 * <p>The paper's accounting (section 2.5, appendix E.1 and its Table 2) is per GPU of a machine
 * whose m GPUs each hold a 1/m shard of every parameter: the attention's query, key, value and
 * output matrices and the first MLP matrix are sharded along their second axis (d × d/m, d × 4d/m),
 * the second MLP matrix along its first (4d/m × d), and each GPU factors its shard at rank r/m, so
 * the machine's m shards together approximate each matrix at rank r. A shard of shape a × b sends
 * (a + b)·r/m elements instead of a·b, and summed over one resblock
 *
 * <pre>
 *   sent / uncompressed = (6d + 12d/m)·(r/m) / (12d²/m) = r(m + 2) / (2dm),  = 5r / (8d) at m = 8,
 * </pre>
 *
 * the paper's compression rate 1 − 5r/(8·d_model). Its Table 1 ranks (512, 640, 896 at d_model
 * 1920, 2688, 3968) give 83%, 85% and 86%.
 *
 * <p>Counted per whole matrix at rank r instead, with no sharding (what this project's {@code
 * PowerSgd} does to each gradient of shape (out, in), the query, key and value fused into one 3d ×
 * d matrix), one resblock sends r·(4d + 2d + 5d + 5d) = 16rd of 12d² elements, 1 − 4r/(3d): 70% at
 * r = 896, d = 3968. The difference is the rank: the paper's r is the rank of the machine's whole
 * matrix, made of m shards of rank r/m each.
 */
public final class PowerSgdTraffic {
  private PowerSgdTraffic() {}

  /**
   * Elements sent per uncompressed element for a resblock's matrices, in the paper's accounting:
   * each of the {@code gpusPerMachine} GPUs factors its shard of every matrix at rank {@code rank /
   * gpusPerMachine}.
   */
  public static double paperRatio(int dModel, int rank, int gpusPerMachine) {
    double d = dModel;
    double m = gpusPerMachine;
    double k = rank / m; // each GPU's rank
    double sent = 4 * shard(d, d / m, k) + shard(d, 4 * d / m, k) + shard(4 * d / m, d, k);
    double uncompressed = 4 * (d * d / m) + 2 * (4 * d * d / m);
    return sent / uncompressed;
  }

  /**
   * Elements sent per uncompressed element for a resblock's matrices when every whole matrix is
   * factored at {@code rank} (no sharding): the (3d, d), (d, d), (4d, d) and (d, 4d) gradients of
   * this project's resblock.
   */
  public static double perMatrixRatio(int dModel, int rank) {
    double d = dModel;
    double sent = shard(3 * d, d, rank) + shard(d, d, rank) + 2 * shard(4 * d, d, rank);
    return sent / (12 * d * d);
  }

  /**
   * Elements sent per parameter of the whole model: the resblock matrices at {@code matrixRatio},
   * every other parameter (gains, biases, embeddings, output heads) uncompressed.
   */
  public static double wholeModelRatio(ModelShape model, double matrixRatio) {
    return (matrixRatio * model.matrixParameters() + model.otherParameters()) / model.parameters();
  }

  /**
   * P (a × k) and Q (b × k): the elements that replace an a × b gradient, k at most min(a, b) as in
   * {@code PowerSgd}.
   */
  private static double shard(double rows, double columns, double rank) {
    return Math.min(rank, Math.min(rows, columns)) * (rows + columns);
  }
}

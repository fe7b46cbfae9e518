package org.dalle.jobs.cluster;

/**
 * PowerSGD's compression of one update's gradients between machines, three ways ({@link
 * PowerSgdTraffic}); a rate is the fraction of elements <em>not</em> sent.
 *
 * @param rank the rank r of each matrix over a machine
 * @param rankPerGpu r / GPUs per machine: the rank each GPU factors its shard at
 * @param paperRate the resblock matrices in the paper's accounting (Table 2): 1 − r(m+2)/(2dm)
 * @param wholeModelRate the same, with every other parameter sent uncompressed
 * @param perMatrixRate every whole matrix at rank r, no sharding (this project's {@code PowerSgd})
 */
public record PowerSgdRates(
    int rank, int rankPerGpu, double paperRate, double wholeModelRate, double perMatrixRate) {

  /** The rates for {@code model} at {@code rank} over machines of {@code gpusPerNode} GPUs. */
  public static PowerSgdRates of(ModelShape model, int rank, int gpusPerNode) {
    double paper = PowerSgdTraffic.paperRatio(model.dModel(), rank, gpusPerNode);
    return new PowerSgdRates(
        rank,
        rank / gpusPerNode,
        1 - paper,
        1 - PowerSgdTraffic.wholeModelRatio(model, paper),
        1 - PowerSgdTraffic.perMatrixRatio(model.dModel(), rank));
  }
}

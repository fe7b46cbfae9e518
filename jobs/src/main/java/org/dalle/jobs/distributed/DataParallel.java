package org.dalle.jobs.distributed;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.dalle.collective.CollectiveClient;
import org.dalle.collective.CollectiveGroup;
import org.dalle.collective.CollectiveOp;
import org.dalle.collective.CollectiveTimeouts;
import org.dalle.collective.ElementType;
import org.dalle.collective.HelperCommand;
import org.dalle.collective.HelperProtocol.Request;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;
import org.dalle.jobs.train.GradientReducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training over PyTorch's c10d Gloo process group, reached through this rank's
 * collective helper ({@link CollectiveClient}): gradients are averaged over ranks in buckets,
 * parameters are broadcast from rank 0, and logged figures are averaged.
 *
 * <p>How arrays reach the collective: the helper maps the same {@code /dev/shm} segment as this
 * process. Each gradient's memory is seen as a direct buffer ({@code toByteBuffer(true)} on a
 * contiguous CPU array aliases its storage), copied with one {@code memcpy} into a bucket slot,
 * reduced in place by the helper on a tensor that views the slot, and copied back with one {@code
 * memcpy}. The segment holds a small scratch area (figures, as float64) and {@value #SLOTS} bucket
 * slots: while the helper reduces bucket k, this process copies bucket k + 1 into the other slot.
 */
public final class DataParallel implements GradientReducer, GroupCollectives, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DataParallel.class);

  /** Environment variable: bucket size in MiB (default 16). */
  public static final String BUCKET_MB = "DALLE_BUCKET_MB";

  static final int SLOTS = 2;
  private static final long SCRATCH_BYTES = 8192;
  private static final int MAX_FIGURES = (int) (SCRATCH_BYTES / 8);

  private final CollectiveClient client;
  private final long bucketBytes;
  private long reductions;
  private long reduceNanos;
  private long collectiveNanos;
  private long copyNanos;
  private long reducedBytes;

  private DataParallel(CollectiveClient client, long bucketBytes) {
    this.client = client;
    this.bucketBytes = bucketBytes;
  }

  /**
   * Starts this rank's helper, which joins the other ranks while the caller loads its data and
   * builds its model; on machines of {@code layout} the helper also joins the node and cross groups
   * of a hierarchical layout ({@link NodeLayout#oneMachine} for ranks on one machine).
   *
   * @param bucketBytes the largest bucket, a positive multiple of 8
   */
  public static DataParallel start(
      Rendezvous rendezvous,
      NodeLayout layout,
      CollectiveTimeouts timeouts,
      HelperCommand command,
      long bucketBytes)
      throws IOException {
    if (bucketBytes <= 0 || bucketBytes % 8 != 0) {
      throw new IllegalArgumentException(
          "bucket of " + bucketBytes + " bytes; expected a positive multiple of 8");
    }
    CollectiveClient client =
        CollectiveClient.start(
            rendezvous, layout, timeouts, command, SCRATCH_BYTES + SLOTS * bucketBytes);
    return new DataParallel(client, bucketBytes);
  }

  @Override
  public int rank() {
    return client.rendezvous().rank();
  }

  @Override
  public int worldSize() {
    return client.rendezvous().worldSize();
  }

  /** How the ranks lie on machines. */
  public NodeLayout layout() {
    return client.layout();
  }

  @Override
  public void reduce(ParameterList parameters) {
    long t0 = System.nanoTime();
    List<NDArray> weights = arrays(parameters, true);
    if (weights.isEmpty()) {
      return;
    }
    try (NDManager scope = NDManager.subManagerOf(weights.get(0))) {
      List<ByteBuffer> gradients = new ArrayList<>(weights.size());
      for (NDArray weight : weights) {
        weight.tempAttach(scope); // the gradient handles are freed with the scope
        gradients.add(memoryOf(weight.getGradient()));
        reducedBytes += gradients.get(gradients.size() - 1).capacity();
      }
      collectiveNanos +=
          transfer(gradients, CollectiveOp.ALL_REDUCE_MEAN, 0, CollectiveGroup.WORLD, true);
    }
    reductions++;
    reduceNanos += System.nanoTime() - t0;
  }

  /**
   * Replaces each array by its mean over ranks, in place; the arrays must be contiguous FLOAT32
   * arrays on the CPU, the same shapes in the same order on every rank.
   */
  void allReduceMean(List<NDArray> arrays) {
    allReduceMean(arrays, CollectiveGroup.WORLD);
  }

  @Override
  public void allReduceMean(List<NDArray> arrays, CollectiveGroup group) {
    collectiveNanos += transfer(memoryOf(arrays), CollectiveOp.ALL_REDUCE_MEAN, 0, group, true);
  }

  @Override
  public void broadcast(List<NDArray> arrays, int root, CollectiveGroup group) {
    boolean receives = layout().rankIn(group, rank()) != root;
    collectiveNanos += transfer(memoryOf(arrays), CollectiveOp.BROADCAST, root, group, receives);
  }

  private static List<ByteBuffer> memoryOf(List<NDArray> arrays) {
    List<ByteBuffer> memory = new ArrayList<>(arrays.size());
    for (NDArray array : arrays) {
      memory.add(memoryOf(array));
    }
    return memory;
  }

  /** The flat collectives of sharded training, on this rank's bucket slots. */
  ShardExchange shardExchange() {
    return new ShardExchange(client, SCRATCH_BYTES, SLOTS * bucketBytes);
  }

  @Override
  public void broadcastParameters(ParameterList parameters) {
    List<ByteBuffer> values = new ArrayList<>();
    for (NDArray weight : arrays(parameters, false)) {
      values.add(memoryOf(weight));
    }
    transfer(values, CollectiveOp.BROADCAST, 0, CollectiveGroup.WORLD, rank() != 0);
  }

  @Override
  public double[] mean(double[] values) {
    if (values.length > MAX_FIGURES) {
      throw new IllegalArgumentException(
          values.length + " figures to average; at most " + MAX_FIGURES + " fit the scratch area");
    }
    client.segment().slice(0, 8L * values.length).asDoubleBuffer().put(values);
    client.run(Request.on(CollectiveOp.ALL_REDUCE_MEAN, ElementType.FLOAT64, 0, values.length, 0));
    double[] mean = new double[values.length];
    client.segment().slice(0, 8L * values.length).asDoubleBuffer().get(mean);
    return mean;
  }

  /**
   * Runs {@code op} over the arrays bucket by bucket, two slots in flight.
   *
   * @param root the source of a broadcast, numbered within {@code group}
   * @param group the process group the collective runs on
   * @param copyBack whether the reduced bytes go back into the arrays
   * @return nanoseconds the helper spent in collectives
   */
  private long transfer(
      List<ByteBuffer> arrays, CollectiveOp op, int root, CollectiveGroup group, boolean copyBack) {
    long[] sizes = new long[arrays.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = arrays.get(i).capacity();
    }
    List<Buckets.Bucket> buckets = Buckets.cut(sizes, bucketBytes);
    long nanos = 0;
    for (int k = 0; k < buckets.size(); k++) {
      if (k >= SLOTS) {
        nanos += client.await();
        copyOut(arrays, buckets.get(k - SLOTS), slot(k - SLOTS), copyBack);
      }
      Buckets.Bucket bucket = buckets.get(k);
      long t0 = System.nanoTime();
      for (Buckets.Piece piece : bucket.pieces()) {
        client
            .segment()
            .slice(slot(k) + piece.bucketOffset(), piece.bytes())
            .put(arrays.get(piece.array()).slice((int) piece.arrayOffset(), (int) piece.bytes()));
      }
      copyNanos += System.nanoTime() - t0;
      client.submit(Request.on(op, ElementType.FLOAT32, slot(k), bucket.bytes() / 4, root, group));
    }
    for (int k = Math.max(0, buckets.size() - SLOTS); k < buckets.size(); k++) {
      nanos += client.await();
      copyOut(arrays, buckets.get(k), slot(k), copyBack);
    }
    return nanos;
  }

  private void copyOut(
      List<ByteBuffer> arrays, Buckets.Bucket bucket, long slot, boolean copyBack) {
    if (!copyBack) {
      return;
    }
    long t0 = System.nanoTime();
    for (Buckets.Piece piece : bucket.pieces()) {
      arrays
          .get(piece.array())
          .slice((int) piece.arrayOffset(), (int) piece.bytes())
          .put(client.segment().slice(slot + piece.bucketOffset(), piece.bytes()));
    }
    copyNanos += System.nanoTime() - t0;
  }

  private long slot(int bucket) {
    return SCRATCH_BYTES + (bucket % SLOTS) * bucketBytes;
  }

  /** The parameters' arrays, only those that take gradients when {@code trainable}. */
  private static List<NDArray> arrays(ParameterList parameters, boolean trainable) {
    List<NDArray> arrays = new ArrayList<>();
    for (Pair<String, Parameter> entry : parameters) {
      Parameter parameter = entry.getValue();
      if (trainable && !parameter.requiresGradient()) {
        continue;
      }
      NDArray array = parameter.getArray();
      if (array.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "parameter '" + entry.getKey() + "' is " + array.getDataType() + "; expected FLOAT32");
      }
      if (!array.getDevice().equals(Device.cpu())) {
        throw new UnsupportedOperationException(
            "parameter '"
                + entry.getKey()
                + "' is on "
                + array.getDevice()
                + ": data-parallel training copies CPU arrays into shared memory; device arrays"
                + " would need a device-to-host copy or CUDA IPC, which is not built");
      }
      arrays.add(array);
    }
    return arrays;
  }

  /**
   * The array's own memory as a buffer: for a contiguous CPU array DJL's PyTorch engine returns a
   * view of its storage, not a copy (a parameter and its gradient are always contiguous).
   */
  static ByteBuffer memoryOf(NDArray array) {
    return ((PtNDArray) array).toByteBuffer(true);
  }

  @Override
  public void close() throws IOException {
    if (reductions > 0) {
      LOG.info(
          String.format(
              "data parallel, rank %d of %d: %d gradient all-reduces of %.1f MB, %.1f ms each"
                  + " (%.1f ms in the collective, waiting for the slower rank included; %.2f ms"
                  + " copying to and from shared memory; %.1f ms handing over)",
              rank(),
              worldSize(),
              reductions,
              reducedBytes / 1e6 / reductions,
              reduceNanos / 1e6 / reductions,
              collectiveNanos / 1e6 / reductions,
              copyNanos / 1e6 / reductions,
              (reduceNanos - collectiveNanos - copyNanos) / 1e6 / reductions));
    }
    client.close();
  }
}

package org.dalle.collective.gloo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllgatherOptions;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.ReduceScatterOptions;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.gloo.Device;
import org.dalle.collective.Rendezvous;

/**
 * One rank's c10d {@code ProcessGroupGloo}, built on a {@code TCPStore} that rank 0 serves at
 * {@code MASTER_ADDR:MASTER_PORT}, with a timeout on every collective. The calls block until the
 * collective is done on this rank; a peer that died makes them throw at once (closed connection), a
 * peer that hangs makes them throw after the timeout.
 */
final class GlooGroup {

  /** Environment variable naming the network interface Gloo binds, as in PyTorch. */
  static final String SOCKET_IFNAME = "GLOO_SOCKET_IFNAME";

  private final TCPStore store;
  private final ProcessGroupGloo group;
  private final int worldSize;
  private final Milliseconds timeout;

  private GlooGroup(TCPStore store, ProcessGroupGloo group, int worldSize, long timeoutMillis) {
    this.store = store;
    this.group = group;
    this.worldSize = worldSize;
    this.timeout = new Milliseconds(timeoutMillis);
  }

  /**
   * Joins the group: rank 0 serves the store and waits for the others; every rank connects to it
   * and the group's pairs connect through it.
   */
  static GlooGroup join(Rendezvous rendezvous, long rendezvousMillis, long collectiveMillis)
      throws IOException {
    loadNatives();
    TCPStoreOptions options = new TCPStoreOptions();
    options.port((short) rendezvous.masterPort());
    options.isServer(rendezvous.rank() == 0);
    options.numWorkers(new SizeTPointer(1).put(rendezvous.worldSize()));
    options.waitWorkers(true);
    options.timeout(new Milliseconds(rendezvousMillis));
    TCPStore store = new TCPStore(rendezvous.masterAddress(), options);
    ProcessGroupGloo.Options groupOptions =
        ProcessGroupGloo.Options.create(new Milliseconds(collectiveMillis));
    GlooDeviceVector devices = new GlooDeviceVector(1);
    devices.put(0, device(rendezvous));
    groupOptions.devices(devices);
    ProcessGroupGloo group =
        new ProcessGroupGloo(store, rendezvous.rank(), rendezvous.worldSize(), groupOptions);
    return new GlooGroup(store, group, rendezvous.worldSize(), collectiveMillis);
  }

  /**
   * The interface Gloo's pairs use: GLOO_SOCKET_IFNAME, loopback for a local run, else the host.
   */
  private static Device device(Rendezvous rendezvous) {
    String interfaceName = System.getenv(SOCKET_IFNAME);
    if (interfaceName != null && !interfaceName.isBlank()) {
      return ProcessGroupGloo.createDeviceForInterface(interfaceName);
    }
    if (rendezvous.isLoopback()) {
      return ProcessGroupGloo.createDeviceForHostname("127.0.0.1");
    }
    return ProcessGroupGloo.createDefaultDevice();
  }

  /**
   * Loads the presets' natives under a file lock: helpers of one machine that start together would
   * otherwise extract the same libraries into JavaCPP's cache at once, which was seen to crash the
   * loader.
   */
  private static void loadNatives() throws IOException {
    Path lock = Path.of(System.getProperty("java.io.tmpdir"), "dalle-collective-natives.lock");
    try (FileChannel channel =
            FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = channel.lock()) {
      Loader.load(torch.class);
    }
  }

  /** In place: {@code tensor} becomes its sum over all ranks, or its mean when {@code mean}. */
  void allReduce(Tensor tensor, boolean mean) {
    AllreduceOptions options = new AllreduceOptions();
    options.timeout(timeout);
    options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
    run(group.allreduce(new TensorVector(tensor), options));
    if (mean) {
      // Gloo has no AVG reduction.
      tensor.div_(new org.bytedeco.pytorch.Scalar(worldSize));
    }
  }

  /** In place: {@code tensor} becomes the root rank's. */
  void broadcast(Tensor tensor, int root) {
    BroadcastOptions options = new BroadcastOptions();
    options.timeout(timeout);
    options.rootRank(root);
    run(group.broadcast(new TensorVector(tensor), options));
  }

  /** {@code output} (worldSize equal chunks) receives every rank's {@code input}. */
  void allGather(Tensor output, Tensor input) {
    AllgatherOptions options = new AllgatherOptions();
    options.timeout(timeout);
    run(group._allgather_base(output, input, options));
  }

  /**
   * {@code output} becomes the sum over ranks of this rank's chunk of {@code input} (worldSize
   * equal chunks), or its mean when {@code mean}: c10d's {@code reduce_scatter_tensor}, which Gloo
   * implements, so each rank receives only its chunk instead of all of them.
   */
  void reduceScatter(Tensor output, Tensor input, boolean mean) {
    ReduceScatterOptions options = new ReduceScatterOptions();
    options.timeout(timeout);
    options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
    run(group._reduce_scatter_base(output, input, options));
    if (mean) {
      output.div_(new org.bytedeco.pytorch.Scalar(worldSize));
    }
  }

  private void run(Work work) {
    if (!work._wait(timeout)) {
      throw new IllegalStateException(
          "collective did not finish within " + timeout.count() + " ms");
    }
  }

  /** Keeps the store alive as long as the group. */
  TCPStore store() {
    return store;
  }
}

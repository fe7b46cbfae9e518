package org.dalle.collective.gloo;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.chrono.Milliseconds;
import org.bytedeco.pytorch.AllgatherOptions;
import org.bytedeco.pytorch.AllreduceOptions;
import org.bytedeco.pytorch.BroadcastOptions;
import org.bytedeco.pytorch.GlooDeviceVector;
import org.bytedeco.pytorch.PrefixStore;
import org.bytedeco.pytorch.ProcessGroupGloo;
import org.bytedeco.pytorch.ReduceOp;
import org.bytedeco.pytorch.ReduceScatterOptions;
import org.bytedeco.pytorch.Store;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.TCPStoreOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.Work;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.gloo.Device;
import org.dalle.collective.CollectiveGroup;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;

/**
 * One rank's c10d {@code ProcessGroupGloo} of one {@link CollectiveGroup}, with a timeout on every
 * collective. The groups are built on a {@code TCPStore} that rank 0 serves at {@code
 * MASTER_ADDR:MASTER_PORT}: the world group on the store itself, a machine's node group and a local
 * rank's cross group on {@code PrefixStore}s over it, so their keys do not meet. The calls block
 * until the collective is done on this rank; a peer that died makes them throw at once (closed
 * connection), a peer that hangs makes them throw after the timeout. A group of one rank runs no
 * collective: its mean, broadcast and gather leave the region as it is.
 */
final class GlooGroup {

  /** Environment variable naming the network interface Gloo binds, as in PyTorch. */
  static final String SOCKET_IFNAME = "GLOO_SOCKET_IFNAME";

  private final Store store; // kept reachable as long as the group that connected through it
  private final ProcessGroupGloo group; // null for a group of one
  private final int rank;
  private final int size;
  private final Milliseconds timeout;

  private GlooGroup(Store store, ProcessGroupGloo group, int rank, int size, long timeoutMillis) {
    this.store = store;
    this.group = group;
    this.rank = rank;
    this.size = size;
    this.timeout = new Milliseconds(timeoutMillis);
  }

  /**
   * Connects to the run's store: rank 0 serves it and waits for the others; every rank connects to
   * it.
   */
  static TCPStore connect(Rendezvous rendezvous, long rendezvousMillis) throws IOException {
    loadNatives();
    TCPStoreOptions options = new TCPStoreOptions();
    options.port((short) rendezvous.masterPort());
    options.isServer(rendezvous.rank() == 0);
    options.numWorkers(new SizeTPointer(1).put(rendezvous.worldSize()));
    options.waitWorkers(true);
    options.timeout(new Milliseconds(rendezvousMillis));
    return new TCPStore(rendezvous.masterAddress(), options);
  }

  /**
   * Joins every group of {@code layout} on {@code store}, in the same order on every rank (world,
   * node, cross): the pairs of each group connect through the store while all its ranks build it.
   */
  static Map<CollectiveGroup, GlooGroup> joinAll(
      Store store, Rendezvous rendezvous, NodeLayout layout, long collectiveMillis) {
    Map<CollectiveGroup, GlooGroup> groups = new EnumMap<>(CollectiveGroup.class);
    int rank = rendezvous.rank();
    groups.put(
        CollectiveGroup.WORLD, join(store, rank, layout.worldSize(), rendezvous, collectiveMillis));
    if (layout.isHierarchical()) {
      // Prefixes name the machine of a node group and the local rank of a cross group. Each
      // prefix store wraps a clone (another client of the same server): the presets turn a store
      // made in Java into c10d's reference-counted pointer once, so one object cannot be handed
      // to two native constructors (the second fails an intrusive_ptr assertion).
      groups.put(
          CollectiveGroup.NODE,
          join(
              new PrefixStore("node" + layout.node(rank), store.clone()),
              layout.localRank(rank),
              layout.ranksPerNode(),
              rendezvous,
              collectiveMillis));
      groups.put(
          CollectiveGroup.CROSS,
          join(
              new PrefixStore("cross" + layout.localRank(rank), store.clone()),
              layout.node(rank),
              layout.nodes(),
              rendezvous,
              collectiveMillis));
    } else if (layout.ranksPerNode() == layout.worldSize()) {
      groups.put(CollectiveGroup.NODE, groups.get(CollectiveGroup.WORLD));
      groups.put(CollectiveGroup.CROSS, new GlooGroup(null, null, 0, 1, collectiveMillis));
    } else { // one rank per machine
      groups.put(CollectiveGroup.NODE, new GlooGroup(null, null, 0, 1, collectiveMillis));
      groups.put(CollectiveGroup.CROSS, groups.get(CollectiveGroup.WORLD));
    }
    return groups;
  }

  private static GlooGroup join(
      Store store, int rank, int size, Rendezvous rendezvous, long collectiveMillis) {
    if (size == 1) {
      return new GlooGroup(null, null, 0, 1, collectiveMillis);
    }
    ProcessGroupGloo.Options groupOptions =
        ProcessGroupGloo.Options.create(new Milliseconds(collectiveMillis));
    GlooDeviceVector devices = new GlooDeviceVector(1);
    devices.put(0, device(rendezvous));
    groupOptions.devices(devices);
    return new GlooGroup(
        store, new ProcessGroupGloo(store, rank, size, groupOptions), rank, size, collectiveMillis);
  }

  /** This rank's number in the group. */
  int rank() {
    return rank;
  }

  /** The number of ranks in the group. */
  int size() {
    return size;
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

  /**
   * In place: {@code tensor} becomes its sum over the group's ranks, or its mean when {@code mean}.
   */
  void allReduce(Tensor tensor, boolean mean) {
    if (group == null) {
      return;
    }
    AllreduceOptions options = new AllreduceOptions();
    options.timeout(timeout);
    options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
    run(group.allreduce(new TensorVector(tensor), options));
    if (mean) {
      // Gloo has no AVG reduction.
      tensor.div_(new org.bytedeco.pytorch.Scalar(size));
    }
  }

  /** In place: {@code tensor} becomes the root's, a rank numbered within the group. */
  void broadcast(Tensor tensor, int root) {
    if (root < 0 || root >= size) {
      throw new IllegalArgumentException(
          "broadcast from root " + root + " in a group of " + size + " ranks");
    }
    if (group == null) {
      return;
    }
    BroadcastOptions options = new BroadcastOptions();
    options.timeout(timeout);
    options.rootRank(root);
    run(group.broadcast(new TensorVector(tensor), options));
  }

  /** {@code output} (one equal chunk per rank) receives every rank's {@code input}. */
  void allGather(Tensor output, Tensor input) {
    if (group == null) {
      output.copy_(input);
      return;
    }
    AllgatherOptions options = new AllgatherOptions();
    options.timeout(timeout);
    run(group._allgather_base(output, input, options));
  }

  /**
   * {@code output} becomes the sum over ranks of this rank's chunk of {@code input} (one equal
   * chunk per rank), or its mean when {@code mean}: c10d's {@code reduce_scatter_tensor}, which
   * Gloo implements, so each rank receives only its chunk instead of all of them.
   */
  void reduceScatter(Tensor output, Tensor input, boolean mean) {
    if (group == null) {
      output.copy_(input);
      return;
    }
    ReduceScatterOptions options = new ReduceScatterOptions();
    options.timeout(timeout);
    options.reduceOp(new ReduceOp(ReduceOp.RedOpType.SUM));
    run(group._reduce_scatter_base(output, input, options));
    if (mean) {
      output.div_(new org.bytedeco.pytorch.Scalar(size));
    }
  }

  private void run(Work work) {
    if (!work._wait(timeout)) {
      throw new IllegalStateException(
          "collective did not finish within " + timeout.count() + " ms");
    }
  }
}

package org.dalle.collective.gloo;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.TCPStore;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.dalle.collective.CollectiveGroup;
import org.dalle.collective.CollectiveOp;
import org.dalle.collective.ElementType;
import org.dalle.collective.HelperProtocol;
import org.dalle.collective.HelperProtocol.Reply;
import org.dalle.collective.HelperProtocol.Request;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The collective helper process of one rank (see {@link HelperProtocol}): connects to its trainer's
 * socket, joins its {@link GlooGroup}s (the world's and, when the ranks span several machines of
 * several ranks each, its machine's and its local rank's across machines), maps the trainer's
 * shared-memory segment and runs each request on a tensor that is a view of that segment (no copy
 * on this side). It exits when the trainer closes the socket or asks it to, and after the first
 * failed collective, whose reason it sends back first.
 *
 * <pre>
 *   GlooHelper --rank R --world-size W --master-addr HOST --master-port P --socket FILE
 *              --rendezvous-timeout-ms MS --collective-timeout-ms MS [--ranks-per-node L]
 * </pre>
 *
 * Without {@code --ranks-per-node} all ranks are on one machine.
 */
public final class GlooHelper {

  private final TCPStore store; // the groups' pairs connected through it; kept as long as they are
  private final Map<CollectiveGroup, GlooGroup> groups;
  private final int rank;
  private Tensor segment; // the whole segment as bytes
  private MappedByteBuffer mapped; // keeps the mapping under segment reachable

  private GlooHelper(TCPStore store, Map<CollectiveGroup, GlooGroup> groups, int rank) {
    this.store = store;
    this.groups = groups;
    this.rank = rank;
  }

  public static void main(String[] args) throws IOException {
    // Ctrl-C reaches every process of the terminal's group: the trainer stops gracefully (its
    // last checkpoint needs collectives), and this helper ends when the trainer closes the socket.
    Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
    Signal.handle(new Signal("TERM"), SignalHandler.SIG_IGN);
    Map<String, String> options = options(args);
    Rendezvous rendezvous =
        new Rendezvous(
            Integer.parseInt(options.get("--rank")),
            Integer.parseInt(options.get("--world-size")),
            options.get("--master-addr"),
            Integer.parseInt(options.get("--master-port")));
    NodeLayout layout =
        new NodeLayout(
            rendezvous.worldSize(),
            Integer.parseInt(
                options.getOrDefault(
                    "--ranks-per-node", Integer.toString(rendezvous.worldSize()))));
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(options.get("--socket")));
    InputStream rawIn = Channels.newInputStream(channel);
    OutputStream rawOut = Channels.newOutputStream(channel);
    DataInputStream in = new DataInputStream(new BufferedInputStream(rawIn));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(rawOut));
    GlooHelper helper;
    try {
      long t0 = System.nanoTime();
      TCPStore store =
          GlooGroup.connect(rendezvous, Long.parseLong(options.get("--rendezvous-timeout-ms")));
      Map<CollectiveGroup, GlooGroup> groups =
          GlooGroup.joinAll(
              store, rendezvous, layout, Long.parseLong(options.get("--collective-timeout-ms")));
      helper = new GlooHelper(store, groups, rendezvous.rank());
      send(out, Reply.success(System.nanoTime() - t0));
    } catch (RuntimeException | IOException e) {
      send(out, Reply.failure("joining the process group of " + rendezvous + " failed: " + e));
      System.exit(1);
      return;
    }
    System.exit(helper.serve(in, out));
  }

  /** Serves requests until the trainer closes the socket or sends CLOSE; the exit code. */
  private int serve(DataInputStream in, DataOutputStream out) throws IOException {
    while (true) {
      Request request;
      try {
        request = Request.readFrom(in);
      } catch (EOFException e) {
        return 0; // the trainer is gone or done
      }
      long t0 = System.nanoTime();
      try {
        if (request.op() == CollectiveOp.CLOSE) {
          send(out, Reply.success(0));
          return 0;
        }
        run(request);
      } catch (RuntimeException | IOException e) {
        send(out, Reply.failure("rank " + rank + " helper: " + request.op() + " failed: " + e));
        return 1;
      }
      send(out, Reply.success(System.nanoTime() - t0));
    }
  }

  private void run(Request request) throws IOException {
    GlooGroup group = groups.get(request.group());
    switch (request.op()) {
      case MAP -> map(Path.of(request.path()), request.count() * 4);
      case ALL_REDUCE_SUM -> group.allReduce(view(request), false);
      case ALL_REDUCE_MEAN -> group.allReduce(view(request), true);
      case BROADCAST -> group.broadcast(view(request), request.root());
      case ALL_GATHER -> {
        long chunk = chunk(request, group);
        Tensor whole = view(request);
        group.allGather(whole, whole.narrow(0, group.rank() * chunk, chunk).clone());
      }
      case REDUCE_SCATTER_MEAN -> {
        long chunk = chunk(request, group);
        Tensor whole = view(request);
        Tensor mine = whole.narrow(0, group.rank() * chunk, chunk);
        // Into a separate tensor: the input must stay intact while the collective reads it.
        Tensor reduced = torch.empty_like(mine);
        group.reduceScatter(reduced, whole, true);
        mine.copy_(reduced);
      }
      default -> throw new IllegalArgumentException("unexpected request " + request.op());
    }
  }

  /** Elements per rank of a region that {@code request} cuts into one chunk per rank of group. */
  private static long chunk(Request request, GlooGroup group) {
    if (request.count() % group.size() != 0) {
      throw new IllegalArgumentException(
          request.op() + " of " + request.count() + " elements over " + group.size() + " ranks");
    }
    return request.count() / group.size();
  }

  /** Maps the trainer's segment; the mapping lives as long as this process. */
  private void map(Path file, long bytes) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
      // Both processes have it mapped now: unlinked, its memory goes back when both are gone, so
      // a rank that is killed leaves nothing behind in /dev/shm.
      Files.deleteIfExists(file);
      buffer.order(ByteOrder.nativeOrder());
      mapped = buffer;
      segment =
          torch.from_blob(
              new BytePointer(buffer),
              new long[] {bytes},
              new TensorOptions(torch.ScalarType.Byte));
    }
  }

  /** The request's region as a 1-D tensor of its element type over the mapped bytes. */
  private Tensor view(Request request) {
    if (segment == null) {
      throw new IllegalStateException("no segment mapped before " + request.op());
    }
    torch.ScalarType type =
        request.type() == ElementType.FLOAT64 ? torch.ScalarType.Double : torch.ScalarType.Float;
    return segment.narrow(0, request.byteOffset(), request.bytes()).view(type);
  }

  private static void send(DataOutputStream out, Reply reply) throws IOException {
    reply.writeTo(out);
    out.flush();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    for (String required :
        new String[] {
          "--rank",
          "--world-size",
          "--master-addr",
          "--master-port",
          "--socket",
          "--rendezvous-timeout-ms",
          "--collective-timeout-ms"
        }) {
      if (!options.containsKey(required)) {
        throw new IllegalArgumentException("GlooHelper needs " + required);
      }
    }
    return options;
  }
}

package org.dalle.collective;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dalle.collective.HelperProtocol.Reply;
import org.dalle.collective.HelperProtocol.Request;

/**
 * The trainer's side of one rank's collective helper: it starts the helper process, hands it a
 * shared-memory segment, and sends it requests on regions of that segment ({@link HelperProtocol}).
 * This class never loads a native library, so it lives beside DJL's libtorch.
 *
 * <p>Requests may be pipelined: {@link #submit} sends one and returns, {@link #await} takes the
 * replies in order. Every wait is bounded (the rendezvous timeout for the helper's first reply, the
 * collective timeout plus a grace period for the others), and a failed or missing reply, or a
 * helper that exits, throws a {@link CollectiveException} naming the rank and the request: a dead
 * peer fails the run instead of hanging it.
 */
public final class CollectiveClient implements AutoCloseable {

  /**
   * How much longer than the helper's own timeout the client waits, so the helper's reason wins.
   */
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final Rendezvous rendezvous;
  private final NodeLayout layout;
  private final CollectiveTimeouts timeouts;
  private final Process helper;
  private final ServerSocketChannel server;
  private final SocketChannel channel;
  private final Path socketFile;
  private final SharedSegment segment;
  private final DataOutputStream out;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private String broken;

  private record Pending(String what, Duration timeout) {}

  private CollectiveClient(
      Rendezvous rendezvous,
      NodeLayout layout,
      CollectiveTimeouts timeouts,
      Process helper,
      ServerSocketChannel server,
      SocketChannel channel,
      Path socketFile,
      SharedSegment segment) {
    this.rendezvous = rendezvous;
    this.layout = layout;
    this.timeouts = timeouts;
    this.helper = helper;
    this.server = server;
    this.channel = channel;
    this.socketFile = socketFile;
    this.segment = segment;
    this.out = new DataOutputStream(new BufferedOutputStream(SocketStreams.output(channel)));
    Thread reader = new Thread(this::readReplies, "collective-replies-rank-" + rendezvous.rank());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts this rank's helper, which joins the process group of {@code rendezvous} while the caller
   * goes on (its first reply is awaited by the first {@link #await}), and maps a segment of {@code
   * segmentBytes} bytes for it.
   */
  public static CollectiveClient start(
      Rendezvous rendezvous, CollectiveTimeouts timeouts, HelperCommand command, long segmentBytes)
      throws IOException {
    return start(
        rendezvous, NodeLayout.oneMachine(rendezvous.worldSize()), timeouts, command, segmentBytes);
  }

  /**
   * {@link #start(Rendezvous, CollectiveTimeouts, HelperCommand, long)} on machines of {@code
   * layout}: the helper also joins its machine's group and its local rank's group across machines
   * when the layout is hierarchical ({@link CollectiveGroup}).
   */
  public static CollectiveClient start(
      Rendezvous rendezvous,
      NodeLayout layout,
      CollectiveTimeouts timeouts,
      HelperCommand command,
      long segmentBytes)
      throws IOException {
    if (layout.worldSize() != rendezvous.worldSize()) {
      throw new IllegalArgumentException(
          layout + " does not describe the " + rendezvous.worldSize() + " ranks of " + rendezvous);
    }
    Path dir = SharedSegment.directory();
    String name = "dalle-" + ProcessHandle.current().pid() + "-rank" + rendezvous.rank() + "-";
    String unique = UUID.randomUUID().toString().substring(0, 8);
    Path socketFile = dir.resolve(name + unique + ".sock");
    SharedSegment segment = SharedSegment.create(dir.resolve(name + unique + ".seg"), segmentBytes);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    Process helper = null;
    try {
      server.bind(UnixDomainSocketAddress.of(socketFile));
      List<String> arguments =
          List.of(
              "--rank", Integer.toString(rendezvous.rank()),
              "--world-size", Integer.toString(rendezvous.worldSize()),
              "--master-addr", rendezvous.masterAddress(),
              "--master-port", Integer.toString(rendezvous.masterPort()),
              "--socket", socketFile.toString(),
              "--rendezvous-timeout-ms", Long.toString(timeouts.rendezvous().toMillis()),
              "--collective-timeout-ms", Long.toString(timeouts.collective().toMillis()),
              "--ranks-per-node", Integer.toString(layout.ranksPerNode()));
      helper =
          new ProcessBuilder(command.commandLine(arguments))
              .redirectOutput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      SocketChannel channel = accept(server, helper, timeouts.rendezvous(), rendezvous.rank());
      Files.deleteIfExists(socketFile); // connected: the name is no longer needed
      CollectiveClient client =
          new CollectiveClient(
              rendezvous, layout, timeouts, helper, server, channel, socketFile, segment);
      client.pending.add(new Pending("joining the process group", timeouts.rendezvous()));
      client.submit(Request.map(segment.file().toString(), segment.bytes()));
      return client;
    } catch (IOException | RuntimeException e) {
      if (helper != null) {
        helper.destroyForcibly();
      }
      server.close();
      Files.deleteIfExists(socketFile);
      segment.close();
      throw e;
    }
  }

  private static SocketChannel accept(
      ServerSocketChannel server, Process helper, Duration timeout, int rank) throws IOException {
    server.configureBlocking(false);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      SocketChannel channel = server.accept();
      if (channel != null) {
        channel.configureBlocking(true);
        return channel;
      }
      if (!helper.isAlive()) {
        throw new CollectiveException(
            "rank "
                + rank
                + ": the collective helper exited with code "
                + helper.exitValue()
                + " before it connected (its messages are above)");
      }
      if (System.nanoTime() > deadline) {
        throw new CollectiveException(
            "rank " + rank + ": the collective helper did not connect within " + timeout);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CollectiveException("interrupted while starting the collective helper", e);
      }
    }
  }

  public Rendezvous rendezvous() {
    return rendezvous;
  }

  /** How the ranks lie on machines: the sizes of the node and cross groups. */
  public NodeLayout layout() {
    return layout;
  }

  /** The segment both processes map; requests name regions of it. */
  public SharedSegment segment() {
    return segment;
  }

  /** Sends {@code request} without waiting for its reply. */
  public void submit(Request request) {
    checkUsable();
    if (request.byteOffset() + request.bytes() > segment.bytes()
        && request.op() != CollectiveOp.MAP) {
      throw new IndexOutOfBoundsException(
          request + " reaches past the " + segment.bytes() + "-byte segment");
    }
    try {
      request.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw fail(request.op() + ": cannot reach the collective helper (" + e.getMessage() + ")");
    }
    Duration timeout =
        request.op() == CollectiveOp.MAP ? timeouts.rendezvous() : timeouts.collective();
    pending.add(new Pending(request.op() + " of " + request.count() + " elements", timeout));
  }

  /**
   * Waits for the oldest outstanding reply.
   *
   * @return nanoseconds the helper spent in that collective
   * @throws CollectiveException when it failed, timed out or the helper ended
   */
  public long await() {
    checkUsable();
    Pending next = pending.poll();
    if (next == null) {
      throw new IllegalStateException("no request is waiting for a reply");
    }
    Reply reply;
    try {
      reply = replies.poll(next.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail(next.what() + ": interrupted");
    }
    if (reply == null) {
      throw fail(
          next.what()
              + ": no answer within "
              + next.timeout().plus(GRACE)
              + "; a peer rank is probably stuck");
    }
    if (!reply.ok()) {
      throw fail(next.what() + ": " + reply.message());
    }
    return reply.nanos();
  }

  /** Every outstanding reply, in order; the total time spent in collectives. */
  public long awaitAll() {
    long nanos = 0;
    while (!pending.isEmpty()) {
      nanos += await();
    }
    return nanos;
  }

  /** Sends {@code request} and waits for it (and everything before it). */
  public long run(Request request) {
    submit(request);
    return awaitAll();
  }

  private void readReplies() {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(SocketStreams.input(channel)))) {
      while (true) {
        replies.add(Reply.readFrom(in));
      }
    } catch (IOException | RuntimeException e) {
      String exit;
      try {
        exit =
            helper.waitFor(10, TimeUnit.SECONDS)
                ? "exited with code " + helper.exitValue()
                : "closed its connection";
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        exit = "closed its connection";
      }
      replies.add(Reply.failure("the collective helper " + exit + " (its messages are above)"));
    }
  }

  private void checkUsable() {
    if (broken != null) {
      throw new CollectiveException(broken);
    }
  }

  private CollectiveException fail(String why) {
    broken = "rank " + rendezvous.rank() + " of " + rendezvous.worldSize() + ": " + why;
    helper.destroyForcibly();
    return new CollectiveException(broken);
  }

  @Override
  public void close() throws IOException {
    try {
      if (broken == null && helper.isAlive()) {
        awaitAll();
        submit(Request.on(CollectiveOp.CLOSE, ElementType.FLOAT32, 0, 0, 0));
        awaitAll();
      }
    } finally {
      try {
        if (!helper.waitFor(10, TimeUnit.SECONDS)) {
          helper.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        helper.destroyForcibly();
      }
      channel.close();
      server.close();
      Files.deleteIfExists(socketFile);
      segment.close();
    }
  }
}

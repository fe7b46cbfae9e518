package org.dalle.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dalle.collective.HelperProtocol.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ranks in this JVM, each with its own helper process and process group on loopback: the
 * collectives give the same numbers on both, and a rank that dies or never joins a collective fails
 * its peer with a message instead of a hang.
 */
class CollectiveClientTest {

  private static final CollectiveTimeouts TIMEOUTS =
      new CollectiveTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(4));
  private static ExecutorService ranks;

  @BeforeAll
  static void threads() {
    ranks = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    ranks.shutdownNow();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static CollectiveClient[] startTwo(CollectiveTimeouts timeouts) throws IOException {
    int port = freePort();
    HelperCommand command = HelperCommand.locate(Map.of());
    CollectiveClient[] clients = new CollectiveClient[2];
    for (int rank = 0; rank < 2; rank++) {
      clients[rank] =
          CollectiveClient.start(
              new Rendezvous(rank, 2, "127.0.0.1", port), timeouts, command, 4096);
    }
    return clients;
  }

  interface RankWork {
    void run(int rank, CollectiveClient client) throws Exception;
  }

  static void onBoth(CollectiveClient[] clients, RankWork work) throws Exception {
    List<Future<Object>> done =
        List.of(
            ranks.submit(() -> run(work, 0, clients[0])),
            ranks.submit(() -> run(work, 1, clients[1])));
    for (Future<Object> future : done) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw (Exception) e.getCause();
      }
    }
  }

  private static Object run(RankWork work, int rank, CollectiveClient client) throws Exception {
    work.run(rank, client);
    return null;
  }

  @Test
  void allReduceBroadcastAllGatherAndReduceScatterAgreeOnBothRanks() throws Exception {
    CollectiveClient[] clients = startTwo(TIMEOUTS);
    try {
      onBoth(
          clients,
          (rank, client) -> {
            FloatBuffer floats = client.segment().slice(0, 16).asFloatBuffer();
            floats.put(new float[] {rank + 1, 10 * (rank + 1), -rank, 0.5f});
            client.run(Request.on(CollectiveOp.ALL_REDUCE_MEAN, ElementType.FLOAT32, 0, 4, 0));
            float[] mean = new float[4];
            client.segment().slice(0, 16).asFloatBuffer().get(mean);
            assertArrayEquals(new float[] {1.5f, 15f, -0.5f, 0.5f}, mean, "rank " + rank);

            ByteBuffer doubles = client.segment().slice(64, 16);
            doubles.asDoubleBuffer().put(new double[] {1e-12 * (rank + 1), rank});
            client.run(Request.on(CollectiveOp.ALL_REDUCE_SUM, ElementType.FLOAT64, 64, 2, 0));
            double[] sum = new double[2];
            client.segment().slice(64, 16).asDoubleBuffer().get(sum);
            assertArrayEquals(new double[] {3e-12, 1}, sum, 1e-27);

            client.segment().slice(128, 8).asFloatBuffer().put(new float[] {rank, 7 + rank});
            client.run(Request.on(CollectiveOp.BROADCAST, ElementType.FLOAT32, 128, 2, 1));
            float[] broadcast = new float[2];
            client.segment().slice(128, 8).asFloatBuffer().get(broadcast);
            assertArrayEquals(new float[] {1, 8}, broadcast);

            // Rank r fills chunk r of 3 floats; afterwards both hold both chunks.
            client
                .segment()
                .slice(256 + 12L * rank, 12)
                .asFloatBuffer()
                .put(new float[] {rank, rank, rank});
            client.run(Request.on(CollectiveOp.ALL_GATHER, ElementType.FLOAT32, 256, 6, 0));
            float[] gathered = new float[6];
            client.segment().slice(256, 24).asFloatBuffer().get(gathered);
            assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, gathered);

            // Both fill two chunks of 2 floats; rank r ends with the mean of chunk r.
            client
                .segment()
                .slice(512, 16)
                .asFloatBuffer()
                .put(new float[] {rank, 2 * rank, 10 + rank, 20 + 3 * rank});
            client.run(
                Request.on(CollectiveOp.REDUCE_SCATTER_MEAN, ElementType.FLOAT32, 512, 4, 0));
            float[] scattered = new float[2];
            client.segment().slice(512 + 8L * rank, 8).asFloatBuffer().get(scattered);
            assertArrayEquals(
                rank == 0 ? new float[] {0.5f, 1} : new float[] {10.5f, 21.5f}, scattered);
          });
    } finally {
      for (CollectiveClient client : clients) {
        client.close();
      }
    }
  }

  @Test
  void aRankThatDiesFailsItsPeerWithAMessage() throws Exception {
    CollectiveClient[] clients = startTwo(TIMEOUTS);
    try {
      onBoth(clients, (rank, client) -> client.awaitAll()); // both joined the group
      clients[1].close();
      long t0 = System.nanoTime();
      CollectiveException e =
          assertThrows(
              CollectiveException.class,
              () ->
                  clients[0].run(
                      Request.on(CollectiveOp.ALL_REDUCE_SUM, ElementType.FLOAT32, 0, 4, 0)));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(e.getMessage().startsWith("rank 0 of 2: ALL_REDUCE_SUM"), e.getMessage());
      assertTrue(seconds < 60, "took " + seconds + " s");
    } finally {
      clients[0].close();
    }
  }

  @Test
  void aRankThatNeverJoinsTheCollectiveTimesItsPeerOut() throws Exception {
    CollectiveClient[] clients = startTwo(TIMEOUTS);
    try {
      onBoth(clients, (rank, client) -> client.awaitAll());
      CollectiveException e =
          assertThrows(
              CollectiveException.class,
              () ->
                  clients[0].run(Request.on(CollectiveOp.BROADCAST, ElementType.FLOAT32, 0, 4, 0)));
      assertTrue(e.getMessage().startsWith("rank 0 of 2: BROADCAST"), e.getMessage());
    } finally {
      clients[0].close();
      clients[1].close();
    }
  }
}

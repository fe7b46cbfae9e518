package org.dalle.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dalle.collective.HelperProtocol.Request;
import org.junit.jupiter.api.Test;

/**
 * Four ranks as two machines of two ranks, each with its own helper on loopback: a request on the
 * node group reaches only the ranks of a machine, one on the cross group only the ranks with the
 * same local rank, and a broadcast's root is numbered within its group.
 */
class NodeGroupsTest {

  private static final CollectiveTimeouts TIMEOUTS =
      new CollectiveTimeouts(Duration.ofSeconds(120), Duration.ofSeconds(30));

  @Test
  void nodeAndCrossGroupsReduceAndBroadcastAmongTheirOwnRanks() throws Exception {
    int port = CollectiveClientTest.freePort();
    HelperCommand command = HelperCommand.locate(Map.of());
    NodeLayout layout = new NodeLayout(4, 2);
    List<CollectiveClient> clients = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      for (int rank = 0; rank < 4; rank++) {
        clients.add(
            CollectiveClient.start(
                new Rendezvous(rank, 4, "127.0.0.1", port), layout, TIMEOUTS, command, 4096));
      }
      List<Future<?>> done = new ArrayList<>();
      for (int rank = 0; rank < 4; rank++) {
        int r = rank;
        CollectiveClient client = clients.get(rank);
        done.add(threads.submit(() -> exchange(r, client)));
      }
      for (Future<?> future : done) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw (Exception) e.getCause();
        }
      }
    } finally {
      threads.shutdownNow();
      for (CollectiveClient client : clients) {
        client.close();
      }
    }
  }

  /** Rank r (machine r / 2, local rank r % 2) contributes r + 1 and 10 (r + 1). */
  private static Void exchange(int rank, CollectiveClient client) {
    float[] mine = {rank + 1, 10 * (rank + 1)};

    put(client, 0, mine);
    client.run(
        Request.on(
            CollectiveOp.ALL_REDUCE_MEAN, ElementType.FLOAT32, 0, 2, 0, CollectiveGroup.NODE));
    // Machine 0 holds ranks 0 and 1 (1 and 2), machine 1 ranks 2 and 3 (3 and 4).
    float nodeMean = rank < 2 ? 1.5f : 3.5f;
    assertArrayEquals(new float[] {nodeMean, 10 * nodeMean}, get(client, 0), "rank " + rank);

    put(client, 64, mine);
    client.run(
        Request.on(
            CollectiveOp.ALL_REDUCE_MEAN, ElementType.FLOAT32, 64, 2, 0, CollectiveGroup.CROSS));
    // Local rank 0 is ranks 0 and 2 (1 and 3), local rank 1 ranks 1 and 3 (2 and 4).
    float crossMean = rank % 2 == 0 ? 2 : 3;
    assertArrayEquals(new float[] {crossMean, 10 * crossMean}, get(client, 64), "rank " + rank);

    // Root 1 of each machine is its second rank: ranks 1 and 3.
    put(client, 128, mine);
    client.run(
        Request.on(CollectiveOp.BROADCAST, ElementType.FLOAT32, 128, 2, 1, CollectiveGroup.NODE));
    float root = rank < 2 ? 2 : 4;
    assertArrayEquals(new float[] {root, 10 * root}, get(client, 128), "rank " + rank);

    put(client, 192, mine);
    client.run(Request.on(CollectiveOp.ALL_REDUCE_MEAN, ElementType.FLOAT32, 192, 2, 0));
    assertArrayEquals(new float[] {2.5f, 25}, get(client, 192), "rank " + rank);
    return null;
  }

  private static void put(CollectiveClient client, long offset, float[] values) {
    client.segment().slice(offset, 4L * values.length).asFloatBuffer().put(values);
  }

  private static float[] get(CollectiveClient client, long offset) {
    float[] values = new float[2];
    client.segment().slice(offset, 8).asFloatBuffer().get(values);
    return values;
  }
}

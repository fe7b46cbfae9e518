package org.dalle.jobs.distributed;

import java.nio.ByteBuffer;
import java.util.List;
import org.dalle.collective.CollectiveClient;
import org.dalle.collective.CollectiveOp;
import org.dalle.collective.ElementType;
import org.dalle.collective.HelperProtocol.Request;
import org.dalle.models.optim.ParameterShard;

/**
 * The two collectives of sharded training on a flat vector laid out as a {@link ParameterShard}
 * says (every parameter's elements end to end, padded to W equal shards of S elements): a mean
 * reduce-scatter (each rank receives the mean of its shard) and an all-gather (each rank's shard to
 * every rank). The vector is never built whole: it is cut into rounds of {@code c} elements of
 * every shard, so a round is W chunks of c elements in the segment's bucket area, rank r's chunk
 * being flat elements [r·S + o, r·S + o + c); each chunk is copied straight from, or to, the
 * parameters' own memory.
 */
final class ShardExchange {

  private final CollectiveClient client;
  private final long areaOffset;
  private final long chunkElements;
  private final ByteBuffer zeros;
  private long collectiveNanos;
  private long bytes;

  /**
   * @param areaOffset where the bucket area starts in the segment
   * @param areaBytes its length
   */
  ShardExchange(CollectiveClient client, long areaOffset, long areaBytes) {
    this.client = client;
    this.areaOffset = areaOffset;
    this.chunkElements = areaBytes / 4 / client.rendezvous().worldSize();
    if (chunkElements < 1) {
      throw new IllegalArgumentException(
          "a bucket area of " + areaBytes + " bytes cannot hold one element per rank");
    }
    this.zeros = ByteBuffer.allocateDirect((int) (4 * chunkElements));
  }

  /**
   * Mean reduce-scatter: {@code shardOut} (S floats) receives the mean over ranks of this rank's
   * shard of the flat vector of {@code arrays}.
   *
   * @param arrays each parameter's memory in flat order; null for one without values (zeros)
   */
  void reduceScatterMean(ParameterShard shard, List<ByteBuffer> arrays, ByteBuffer shardOut) {
    int worldSize = shard.worldSize();
    for (long o = 0; o < shard.shardElements(); o += chunkElements) {
      long c = Math.min(chunkElements, shard.shardElements() - o);
      for (int rank = 0; rank < worldSize; rank++) {
        copy(shard, arrays, rank * shard.shardElements() + o, c, chunk(rank, c), true);
      }
      run(CollectiveOp.REDUCE_SCATTER_MEAN, worldSize * c);
      long mine = chunk(shard.rank(), c);
      shardOut.slice((int) (4 * o), (int) (4 * c)).put(client.segment().slice(mine, 4 * c));
    }
  }

  /**
   * All-gather: every rank's {@code shardIn} (S floats each) into the flat vector of {@code
   * arrays}, on every rank.
   *
   * @param arrays each parameter's memory in flat order; null for one that is not written
   */
  void allGather(ParameterShard shard, ByteBuffer shardIn, List<ByteBuffer> arrays) {
    int worldSize = shard.worldSize();
    for (long o = 0; o < shard.shardElements(); o += chunkElements) {
      long c = Math.min(chunkElements, shard.shardElements() - o);
      client
          .segment()
          .slice(chunk(shard.rank(), c), 4 * c)
          .put(shardIn.slice((int) (4 * o), (int) (4 * c)));
      run(CollectiveOp.ALL_GATHER, worldSize * c);
      for (int rank = 0; rank < worldSize; rank++) {
        copy(shard, arrays, rank * shard.shardElements() + o, c, chunk(rank, c), false);
      }
    }
  }

  /**
   * All-gather of the flat vector of {@code arrays} itself: each rank's shard, taken from its own
   * arrays, into every rank's arrays.
   */
  void allGatherOwned(ParameterShard shard, List<ByteBuffer> arrays) {
    int worldSize = shard.worldSize();
    long mine = shard.rank() * shard.shardElements();
    for (long o = 0; o < shard.shardElements(); o += chunkElements) {
      long c = Math.min(chunkElements, shard.shardElements() - o);
      copy(shard, arrays, mine + o, c, chunk(shard.rank(), c), true);
      run(CollectiveOp.ALL_GATHER, worldSize * c);
      for (int rank = 0; rank < worldSize; rank++) {
        if (rank != shard.rank()) {
          copy(shard, arrays, rank * shard.shardElements() + o, c, chunk(rank, c), false);
        }
      }
    }
  }

  /** Nanoseconds the helper spent in these collectives so far. */
  long collectiveNanos() {
    return collectiveNanos;
  }

  /** Bytes of the flat vectors exchanged so far (each rank's view: W chunks per round). */
  long bytes() {
    return bytes;
  }

  private void run(CollectiveOp op, long count) {
    collectiveNanos += client.run(Request.on(op, ElementType.FLOAT32, areaOffset, count, 0));
    bytes += 4 * count;
  }

  /** Where rank {@code rank}'s chunk of a round of {@code c} elements per rank lies. */
  private long chunk(int rank, long c) {
    return areaOffset + 4L * rank * c;
  }

  /**
   * Copies flat elements [from, from + count) between the parameters' memory and the segment at
   * {@code at}; into the segment, padding and absent arrays give zeros.
   */
  private void copy(
      ParameterShard shard,
      List<ByteBuffer> arrays,
      long from,
      long count,
      long at,
      boolean intoSegment) {
    ByteBuffer segment = client.segment().slice(at, 4 * count);
    if (intoSegment) {
      segment.put(0, zeros, 0, (int) (4 * count));
    }
    long end = from + count;
    for (int i = 0; i < arrays.size(); i++) {
      long start = shard.offset(i);
      long lo = Math.max(from, start);
      long hi = Math.min(end, start + shard.size(i));
      ByteBuffer array = arrays.get(i);
      if (lo >= hi || array == null) {
        continue;
      }
      int inArray = (int) (4 * (lo - start));
      int inSegment = (int) (4 * (lo - from));
      int length = (int) (4 * (hi - lo));
      if (intoSegment) {
        segment.put(inSegment, array, inArray, length);
      } else {
        array.put(inArray, segment, inSegment, length);
      }
    }
  }
}

package org.dalle.jobs.distributed;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.dalle.jobs.train.GradientReducer;
import org.dalle.jobs.train.ModelTrainer;
import org.dalle.jobs.train.StateSharding;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.optim.Gradients;
import org.dalle.models.optim.ParameterShard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ZeRO-style sharding of the training state over the ranks of a data-parallel run (Rajbhandari et
 * al., 2020), over a flat order of the parameters ({@link ParameterShard}):
 *
 * <ul>
 *   <li>stage 1: each rank keeps and updates only its shard of the AdamW moments and the EMA; the
 *       gradients are all-reduced as in plain data parallel, and after the update each rank's
 *       updated slices are all-gathered;
 *   <li>stage 2: the gradients are reduce-scattered instead, so each rank receives only its shard
 *       of the averaged gradients (the gradients elsewhere are zeroed; after the update the
 *       backward pass's gradient arrays are released instead of kept for the next step);
 *   <li>stage 3: between updates each rank keeps only its shard of the parameters; before each
 *       forward pass the whole arrays are allocated and all-gathered, after the update the updated
 *       slices are all-gathered again (for the step's logging, evaluation and checkpoint), and
 *       after the step the arrays are released.
 * </ul>
 *
 * On this engine the backward pass still allocates whole gradients for every parameter (DJL has no
 * per-bucket hooks), and stage 3 gathers whole parameters for the pass rather than layer by layer:
 * what the stages save is what a rank holds between updates, which this class logs after the first
 * update. At stage 0 it only logs that figure.
 */
public final class ZeroSharding implements StateSharding, GradientReducer {
  private static final Logger LOG = LoggerFactory.getLogger(ZeroSharding.class);

  private final DataParallel dataParallel;
  private final GradientReducer allReduce;
  private final ShardExchange exchange;
  private final int stage;
  private ModelTrainer.Parts parts;
  private ParameterShard shard;
  private Map<String, Integer> indices;
  private ByteBuffer gradientShard; // stages 2 and 3: this rank's averaged gradients
  private ByteBuffer parameterShard; // stage 3: this rank's parameters between updates
  private boolean dropped;
  private boolean reported;

  /**
   * @param allReduce the gradient reduction of stages 0 and 1 (plain or PowerSGD)
   */
  ZeroSharding(DataParallel dataParallel, GradientReducer allReduce, int stage) {
    if (stage < 0 || stage > 3) {
      throw new IllegalArgumentException("ZeRO stage " + stage + "; expected 0, 1, 2 or 3");
    }
    this.dataParallel = dataParallel;
    this.allReduce = allReduce;
    this.exchange = dataParallel.shardExchange();
    this.stage = stage;
  }

  /** The ZeRO stage, 0 to 3. */
  int stage() {
    return stage;
  }

  /** The gradient reduction of stages 0 and 1. */
  GradientReducer allReduce() {
    return allReduce;
  }

  @Override
  public int rank() {
    return dataParallel.rank();
  }

  @Override
  public int worldSize() {
    return dataParallel.worldSize();
  }

  @Override
  public void broadcastParameters(ParameterList parameters) {
    dataParallel.broadcastParameters(parameters);
  }

  @Override
  public double[] mean(double[] values) {
    return dataParallel.mean(values);
  }

  /** The state of the gradient reduction of stages 0 and 1; the sharded state is gathered apart. */
  @Override
  public NDList checkpointState(ParameterList parameters, NDManager scope) {
    return allReduce.checkpointState(parameters, scope);
  }

  @Override
  public void restoreState(NDList saved, ParameterList parameters, String source) {
    allReduce.restoreState(saved, parameters, source);
  }

  @Override
  public void shardState(ModelTrainer.Parts parts) {
    this.parts = parts;
    if (shard == null) {
      ParameterList params = parts.parameters();
      int worldSize = worldSize();
      shard =
          ParameterShard.of(
              params, rank(), worldSize, local -> worldSize * mean(new double[] {local})[0]);
      indices = new HashMap<>();
      for (int i = 0; i < shard.names().size(); i++) {
        indices.put(shard.names().get(i), i);
      }
      if (stage >= 2) {
        gradientShard = floats(shard.shardElements());
      }
      if (stage == 3) {
        parameterShard = floats(shard.shardElements());
      }
    }
    if (stage >= 1) {
      parts.optimizer().shardOver(shard);
      parts.ema().ifPresent(ema -> ema.shardOver(shard));
    }
  }

  @Override
  public void gatherState(ModelTrainer.Parts parts) {
    if (stage == 0) {
      return;
    }
    ParameterList params = parts.parameters();
    AdamW optimizer = parts.optimizer();
    try (NDManager scope = NDManager.newBaseManager()) {
      NDList state = optimizer.exportState(scope);
      NDList whole = new NDList(state.get("step"));
      if (optimizer.step() > 0) {
        whole.addAll(gather(params, state, "m/", true, scope));
        whole.addAll(gather(params, state, "v/", true, scope));
      }
      optimizer.unshard(whole);
      if (parts.ema().isPresent() && parts.ema().get().isStarted()) {
        Ema ema = parts.ema().get();
        ema.unshard(gather(params, ema.exportState(scope), "", false, scope));
      }
    }
  }

  /**
   * The whole arrays of which {@code state} holds this rank's slices, named by {@code prefix} and
   * the parameter's key: every parameter's ({@code trainableOnly}: only those that take gradients).
   */
  private NDList gather(
      ParameterList params, NDList state, String prefix, boolean trainableOnly, NDManager scope) {
    ByteBuffer mine = floats(shard.shardElements());
    for (ParameterShard.Slice slice : shard.slices()) {
      NDArray part = state.get(prefix + slice.name());
      if (part != null) {
        mine.put(
            (int) (4 * slice.shardOffset()),
            DataParallel.memoryOf(part),
            0,
            (int) (4 * slice.length()));
      }
    }
    NDList whole = new NDList();
    List<ByteBuffer> memory = new ArrayList<>();
    for (Pair<String, Parameter> entry : params) {
      Parameter parameter = entry.getValue();
      if (trainableOnly && !parameter.requiresGradient()) {
        memory.add(null);
        continue;
      }
      NDArray array = scope.zeros(parameter.getShape());
      array.setName(prefix + entry.getKey());
      whole.add(array);
      memory.add(DataParallel.memoryOf(array));
    }
    exchange.allGather(shard, mine, memory);
    return whole;
  }

  @Override
  public void beforeStep(ParameterList parameters) {
    if (!dropped) {
      return;
    }
    for (Pair<String, Parameter> entry : parameters) {
      Parameter parameter = entry.getValue();
      PtNDArray array = (PtNDArray) parameter.getArray();
      NDArray whole = array.getManager().zeros(parameter.getShape());
      if (parameter.requiresGradient()) {
        whole.setRequiresGradient(true);
      }
      array.intern(whole);
    }
    onMemory(parameters, memory -> exchange.allGather(shard, parameterShard, memory));
    dropped = false;
  }

  @Override
  public void reduce(ParameterList parameters) {
    if (stage < 2) {
      allReduce.reduce(parameters);
      return;
    }
    List<NDArray> weights = new ArrayList<>();
    parameters.forEach(entry -> weights.add(entry.getValue().getArray()));
    try (NDManager scope = NDManager.subManagerOf(weights.get(0))) {
      List<ByteBuffer> gradients = new ArrayList<>();
      for (Pair<String, Parameter> entry : parameters) {
        NDArray weight = entry.getValue().getArray();
        if (!entry.getValue().requiresGradient()) {
          gradients.add(null);
          continue;
        }
        weight.tempAttach(scope); // the gradient handles are freed with the scope
        gradients.add(DataParallel.memoryOf(weight.getGradient()));
      }
      exchange.reduceScatterMean(shard, gradients, gradientShard);
      // This rank holds only its shard of the mean: no stale local gradients elsewhere.
      Gradients.zeroGradients(parameters);
      for (ParameterShard.Slice slice : shard.slices()) {
        ByteBuffer gradient = gradients.get(indices.get(slice.name()));
        if (gradient != null) {
          gradient.put(
              (int) (4 * slice.from()),
              gradientShard,
              (int) (4 * slice.shardOffset()),
              (int) (4 * slice.length()));
        }
      }
    }
  }

  @Override
  public void afterUpdate(ParameterList parameters) {
    // Stage 3 too: the step's evaluation and checkpoint read the updated weights. It then gathers
    // twice per step, as ZeRO-3 does (there for the forward and the backward pass): a
    // reduce-scatter and two all-gathers, 1.5 times the traffic of an all-reduce.
    if (stage >= 1) {
      onMemory(parameters, memory -> exchange.allGatherOwned(shard, memory));
    }
  }

  @Override
  public void clearGradients(ParameterList parameters) {
    if (stage < 2) {
      Gradients.zeroGradients(parameters);
      return;
    }
    // Released rather than zeroed: the array keeps its values under a fresh autograd leaf, and
    // the old leaf, with its gradient, is freed once the step's graph is.
    for (Pair<String, Parameter> entry : parameters) {
      if (entry.getValue().requiresGradient()) {
        PtNDArray array = (PtNDArray) entry.getValue().getArray();
        PtNDArray leaf = JniUtils.detachGradient(array);
        leaf.setRequiresGradient(true);
        array.intern(leaf);
      }
    }
  }

  @Override
  public void afterStep(ParameterList parameters) {
    if (stage == 3) {
      onMemory(
          parameters,
          memory -> {
            for (ParameterShard.Slice slice : shard.slices()) {
              parameterShard.put(
                  (int) (4 * slice.shardOffset()),
                  memory.get(indices.get(slice.name())),
                  (int) (4 * slice.from()),
                  (int) (4 * slice.length()));
            }
          });
      for (Pair<String, Parameter> entry : parameters) {
        PtNDArray array = (PtNDArray) entry.getValue().getArray();
        array.intern(array.getManager().create(new float[0]));
      }
      dropped = true;
    }
    if (!reported) {
      reported = true;
      LOG.info(memory(parameters));
    }
  }

  /**
   * What this rank holds between updates, in bytes: parameters (the arrays' real storage plus the
   * stage-3 shard), averaged gradients, AdamW moments and EMA.
   */
  String memory(ParameterList parameters) {
    long whole = 0;
    long held = parameterShard == null ? 0 : parameterShard.capacity();
    long trainable = 0;
    for (Pair<String, Parameter> entry : parameters) {
      long size = entry.getValue().getShape().size();
      whole += 4 * size;
      held += 4 * JniUtils.getShape((PtNDArray) entry.getValue().getArray()).size();
      trainable += entry.getValue().requiresGradient() ? 4 * size : 0;
    }
    long gradients = gradientShard == null ? trainable : gradientShard.capacity();
    long optimizer = parts.optimizer().stateBytes();
    long ema = parts.ema().map(Ema::stateBytes).orElse(0L);
    return String.format(
        "memory of rank %d of %d at ZeRO stage %d between updates: parameters %d bytes,"
            + " gradients %d bytes, optimizer state %d bytes, EMA %d bytes; %d in all (the whole"
            + " model's parameters are %d bytes)",
        rank(),
        worldSize(),
        stage,
        held,
        gradients,
        optimizer,
        ema,
        held + gradients + optimizer + ema,
        whole);
  }

  /** Runs {@code action} on every parameter's memory, in flat order. */
  private void onMemory(ParameterList parameters, Consumer<List<ByteBuffer>> action) {
    List<ByteBuffer> memory = new ArrayList<>();
    for (Pair<String, Parameter> entry : parameters) {
      memory.add(DataParallel.memoryOf(entry.getValue().getArray()));
    }
    action.accept(memory);
  }

  private static ByteBuffer floats(long count) {
    return ByteBuffer.allocateDirect(Math.toIntExact(4 * count)).order(ByteOrder.nativeOrder());
  }

  /** The exchanges' share of the run, for the closing log line. */
  String summary() {
    return String.format(
        "ZeRO stage %d, rank %d of %d: %.1f MB reduce-scattered and all-gathered, %.1f ms in those"
            + " collectives",
        stage, rank(), worldSize(), exchange.bytes() / 1e6, exchange.collectiveNanos() / 1e6);
  }
}

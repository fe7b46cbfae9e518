package org.dalle.jobs.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.models.optim.Ema;
import org.dalle.models.optim.ParameterArrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training loop every model's {@link ModelTrainer} runs in: opens the run directory ({@code
 * config.yaml}, {@code run.json}), resumes from the latest checkpoint (refusing a changed config
 * unless allowed), takes updates until {@code steps} are done or a stop is requested, logs {@code
 * metrics.jsonl} and a progress bar, writes a checkpoint every {@code checkpoint_every} updates and
 * always one with the last state, and after the last step exports the model with its EMA weights
 * swapped in.
 *
 * <p>Exact resumption: every random number is a function of the seed and the position ({@link
 * Seeds}); a checkpoint holds the weights, the optimizer moments, the EMA, the step, the data
 * position, the trainer's own state and the gradient reducer's (every rank's PowerSGD error
 * feedback), so a resumed run takes bit-identical updates. Every update runs in its own {@link
 * NDManager}, closed at the end of the update, so native memory stays flat.
 *
 * <p>Each update is: seed the engine, draw the batch, forward and backward pass, stop on a
 * non-finite loss, {@link GradientReducer#reduce reduce the gradients across processes} (the one
 * place distributed training plugs in), apply them, clear them.
 *
 * <p>With several processes ({@link GradientReducer#worldSize} above 1) every rank draws the same
 * global batch and trains on its contiguous share of it, starts from rank 0's weights, and logs the
 * mean of all ranks' figures; only rank 0 writes {@code config.yaml}, {@code run.json}, metrics,
 * checkpoints and the export, and every rank resumes from rank 0's checkpoints. The ranks agree on
 * a stop request after every update, so they stop at the same step. A {@link StateSharding} may
 * keep only each rank's shard of the optimizer state, EMA, gradients and parameters (ZeRO); it is
 * made whole around every checkpoint and before the export.
 */
public final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

  /** Where every trainer exports its model for the next stage, inside the run directory. */
  public static final String EXPORT_DIR = "export";

  /**
   * How a run ended.
   *
   * @param step updates done
   * @param finished whether all configured steps are done (false after a stop request)
   * @param exitCode 0, or the stop signal's code
   * @param export the export directory, written when {@code finished}
   * @param firstStep the step this invocation started from
   * @param seconds wall time of this invocation's updates
   */
  public record Outcome(
      long step, boolean finished, int exitCode, Path export, long firstStep, double seconds) {}

  private final List<String> commandLine;
  private final StopSignal stop;
  private GradientReducer reducer = GradientReducer.LOCAL;
  private StateSharding sharding = StateSharding.NONE;
  private LongConsumer afterStep = step -> {};

  /**
   * @param commandLine the arguments, recorded in {@code run.json}
   * @param stop polled after every update
   */
  public TrainingLoop(List<String> commandLine, StopSignal stop) {
    this.commandLine = List.copyOf(commandLine);
    this.stop = stop;
  }

  /** Called with the step count after each update (tests use it to interrupt a run). */
  public TrainingLoop onStep(LongConsumer afterStep) {
    this.afterStep = afterStep;
    return this;
  }

  /** Reduces gradients across processes with {@code reducer} ({@link GradientReducer#LOCAL}). */
  public TrainingLoop reduceGradientsWith(GradientReducer reducer) {
    this.reducer = reducer;
    return this;
  }

  /**
   * Shards the training state over the ranks with {@code sharding} ({@link StateSharding#NONE}).
   */
  public TrainingLoop shardStateWith(StateSharding sharding) {
    this.sharding = sharding;
    return this;
  }

  /**
   * Trains until {@code steps} updates are done or a stop is requested.
   *
   * @param resume continue from the latest checkpoint in {@code out} (a fresh start when there is
   *     none), refusing a changed config; without it, existing checkpoints are an error
   */
  public <P extends ModelTrainer.Pass, R> R run(ModelTrainer<P, R> trainer, boolean resume)
      throws IOException {
    return run(trainer, resume ? ResumeMode.RESUME : ResumeMode.FRESH);
  }

  /**
   * Trains until {@code steps} updates are done or a stop is requested, resuming as {@code mode}
   * says. A resumed run compares its resolved config with the checkpoint's and refuses to go on
   * when they differ ({@link ConfigChanges}) unless {@code mode} allows it.
   *
   * @throws IllegalArgumentException naming the changed keys when the config changed and {@code
   *     mode} does not allow it
   */
  public <P extends ModelTrainer.Pass, R> R run(ModelTrainer<P, R> trainer, ResumeMode mode)
      throws IOException {
    String yaml = ConfigLoader.toYaml(trainer.load());
    TrainingSettings settings = trainer.settings();
    Path out = Path.of(settings.out());
    // Checked before any rank writes, so a bad split fails every rank alike.
    BatchSampler.checkShares(settings.batchSize(), reducer.rank(), reducer.worldSize());
    CheckpointStore store =
        new CheckpointStore(out.resolve(RunDirectory.CHECKPOINTS), settings.keepCheckpoints());
    Optional<Checkpoint> latest = store.latestToResume(mode.resumes(), out);
    List<String> changes = List.of();
    if (latest.isPresent()) {
      changes = ConfigChanges.between(latest.get().readText(Checkpoint.CONFIG), yaml);
      if (!changes.isEmpty() && mode != ResumeMode.RESUME_ALLOWING_CONFIG_CHANGE) {
        throw new IllegalArgumentException(
            trainer.name()
                + ": the config differs from that of checkpoint "
                + latest.get().dir()
                + " in "
                + String.join("; ", changes)
                + ". Resume with the checkpoint's config, pass --allow-config-change to continue"
                + " with this one (run.json records the changes), or choose another --out");
      }
    }
    String data = ConfigChanges.flatten(yaml, "the resolved config").get("data");
    Optional<InputFingerprint> input =
        data == null ? Optional.empty() : Optional.of(InputFingerprint.of(data));
    RunDirectory run =
        reducer.rank() == 0
            ? RunDirectory.open(
                out, yaml, Map.of("seed", settings.seed()), commandLine, input, changes)
            : RunDirectory.reading(out);
    try (NDManager base = Engine.getInstance().newBaseManager()) {
      Seeds.seedEngineForStep(settings.seed(), 0);
      try (ModelTrainer.Parts parts = trainer.build(base)) {
        Invocation<P, R> invocation =
            new Invocation<>(trainer, settings, parts, base, run, store, yaml);
        return invocation.train(latest, mode.resumes());
      }
    }
  }

  /** The state of one invocation. */
  private final class Invocation<P extends ModelTrainer.Pass, R> {
    private final ModelTrainer<P, R> trainer;
    private final TrainingSettings settings;
    private final ParameterList params;
    private final ModelTrainer.Parts parts;
    private final NDManager base;
    private final RunDirectory run;
    private final CheckpointStore store;
    private final String yaml;
    private final boolean writes;

    Invocation(
        ModelTrainer<P, R> trainer,
        TrainingSettings settings,
        ModelTrainer.Parts parts,
        NDManager base,
        RunDirectory run,
        CheckpointStore store,
        String yaml) {
      this.trainer = trainer;
      this.settings = settings;
      this.params = parts.parameters();
      this.parts = parts;
      this.base = base;
      this.run = run;
      this.store = store;
      this.yaml = yaml;
      this.writes = reducer.rank() == 0;
    }

    R train(Optional<Checkpoint> latest, boolean resume) throws IOException {
      long step = 0;
      DataPosition position = DataPosition.start();
      if (latest.isPresent()) {
        Checkpoint checkpoint = latest.get();
        restore(checkpoint);
        step = checkpoint.step();
        position = checkpoint.data();
        LOG.info(
            String.format(
                "%s: resuming from %s (step %d)", trainer.name(), checkpoint.dir(), step));
      } else if (resume) {
        LOG.info(trainer.name() + ": no checkpoint in " + store.root() + "; starting fresh");
      }
      reducer.broadcastParameters(params);
      sharding.shardState(parts);
      BatchSampler sampler = trainer.sampler(position);
      ProgressBar progress = ProgressBar.forSteps(settings.steps(), LOG);
      long firstStep = step;
      long checkpointed = step;
      StepFigures last = null;
      long started = System.nanoTime();
      boolean stopping = RankFigures.anyStop(reducer, stop.isRequested());
      try (MetricsLog metrics = writes ? MetricsLog.open(run.metrics(), firstStep) : null) {
        while (step < settings.steps() && !stopping) {
          long t0 = System.nanoTime();
          sharding.beforeStep(params);
          last = update(step, sampler);
          step++;
          Map<String, Number> logged =
              RankFigures.mean(reducer, last.logged((System.nanoTime() - t0) / 1e9));
          if (writes) {
            metrics.log(step, logged);
            Map<String, Number> evaluation = trainer.evaluate(step);
            if (!evaluation.isEmpty()) {
              metrics.log(step, evaluation);
            }
          }
          progress.update(step, last.shown());
          afterStep.accept(step);
          if (step % settings.checkpointEvery() == 0 && step < settings.steps()) {
            sharding.gatherState(parts);
            checkpoint(step, sampler.position());
            sharding.shardState(parts);
            checkpointed = step;
          }
          sharding.afterStep(params);
          stopping = RankFigures.anyStop(reducer, stop.isRequested());
        }
        progress.finish(step, last == null ? Map.of() : last.shown());
      }
      // The last checkpoint and the export need the whole state; the run is over, so it stays.
      sharding.beforeStep(params);
      sharding.gatherState(parts);
      double seconds = (System.nanoTime() - started) / 1e9;
      // The last state is always in a checkpoint: at the end, after a stop, or already written
      // (by rank 0, in this invocation or the one it resumed). Decided alike on every rank, since
      // every rank takes part in a checkpoint.
      if (step == checkpointed && (step > firstStep || latest.isPresent())) {
        if (writes) {
          trainer.afterCheckpoint(step);
        }
      } else {
        checkpoint(step, sampler.position());
      }
      boolean finished = step >= settings.steps();
      Path export = run.file(EXPORT_DIR);
      if (finished && writes) {
        Optional<Ema> ema = parts.ema().filter(Ema::isStarted);
        try (Ema.Swap swap = ema.isPresent() ? ema.get().swapInto(params) : null) {
          trainer.export(step, export, run);
        }
      }
      reducer.mean(new double[1]); // every rank returns after rank 0's checkpoint and export
      return trainer.result(
          new Outcome(step, finished, stop.exitCode(), export, firstStep, seconds));
    }

    /** One update from {@code step} earlier ones, all intermediates in a per-step manager. */
    private StepFigures update(long step, BatchSampler sampler) {
      try (NDManager scope = base.newSubManager()) {
        // Each rank draws its own dropout and noise for its share of the batch.
        Seeds.seedEngineForStep(Seeds.forRank(settings.seed(), reducer.rank()), step);
        BatchSampler.Batch batch = sampler.next().shard(reducer.rank(), reducer.worldSize());
        P pass = trainer.backward(step, batch, scope);
        double loss = pass.loss();
        if (!Double.isFinite(loss) && !trainer.skipsNonFiniteUpdates()) {
          throw new IllegalStateException(
              String.format(
                  "loss is %s at step %d; lower learning_rate or check the data", loss, step + 1));
        }
        reducer.reduce(params);
        StepFigures figures = trainer.update(step, pass);
        sharding.afterUpdate(params);
        sharding.clearGradients(params);
        return figures;
      }
    }

    private void restore(Checkpoint checkpoint) throws IOException {
      checkpoint.requireSeed(settings.seed());
      try (NDManager scope = base.newSubManager()) {
        ParameterArrays.restore(params, checkpoint.readArrays(Checkpoint.MODEL, scope));
      }
      try (InputStream in = checkpoint.open(Checkpoint.OPTIMIZER)) {
        parts.optimizer().load(in);
      }
      if (parts.ema().isPresent() && checkpoint.has(Checkpoint.EMA)) {
        try (InputStream in = checkpoint.open(Checkpoint.EMA)) {
          parts.ema().get().load(in);
        }
      }
      trainer.restoreState(checkpoint);
      try (NDManager scope = base.newSubManager()) {
        NDList saved =
            checkpoint.has(Checkpoint.REDUCER)
                ? checkpoint.readArrays(Checkpoint.REDUCER, scope)
                : new NDList();
        reducer.restoreState(saved, params, "checkpoint " + checkpoint.dir());
      }
    }

    /**
     * Rank 0 writes the checkpoint of {@code step}; every rank calls it, since the reducer's state
     * is gathered from all of them.
     */
    private void checkpoint(long step, DataPosition position) throws IOException {
      try (NDManager scope = base.newSubManager()) {
        NDList reducerState = reducer.checkpointState(params, scope);
        if (!writes) {
          return;
        }
        try (CheckpointWriter writer = store.begin(step)) {
          writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
          writer.put(Checkpoint.OPTIMIZER, parts.optimizer()::save);
          Optional<Ema> ema = parts.ema().filter(Ema::isStarted);
          if (ema.isPresent()) {
            writer.put(Checkpoint.EMA, ema.get()::save);
          }
          if (!reducerState.isEmpty()) {
            writer.putArrays(Checkpoint.REDUCER, reducerState);
          }
          trainer.saveState(writer);
          writer.commit(position, settings.seed(), yaml);
        }
      }
      trainer.afterCheckpoint(step);
    }
  }
}

package org.dalle.jobs.clip;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.dalle.jobs.config.ConfigLoader;
import org.dalle.jobs.dvae.BatchSampler;
import org.dalle.jobs.train.Checkpoint;
import org.dalle.jobs.train.CheckpointStore;
import org.dalle.jobs.train.CheckpointWriter;
import org.dalle.jobs.train.DataPosition;
import org.dalle.jobs.train.MetricsLog;
import org.dalle.jobs.train.ProgressBar;
import org.dalle.jobs.train.RunDirectory;
import org.dalle.jobs.train.Schedule;
import org.dalle.jobs.train.Seeds;
import org.dalle.jobs.train.StopSignal;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ClipLoss;
import org.dalle.models.clip.ClipModel;
import org.dalle.models.clip.ClipScorer;
import org.dalle.models.clip.RetrievalAccuracy;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.dalle.models.optim.ParameterArrays;
import org.dalle.models.tokenizer.BpeTokenizer;

/**
 * The training loop of the contrastive reranker (section 2.5 of the paper; CLIP, Radford et al.
 * 2021): symmetric InfoNCE with a learned temperature over batches of (image, caption) pairs, AdamW
 * with a linear warm-up and cosine decay, optional gradient-norm clipping, checkpoints that resume
 * exactly, {@code metrics.jsonl} and a progress bar. At the last step it exports the model with the
 * tokenizer ({@link ClipExport}) for reranking and runs the held-out retrieval check.
 *
 * <p>Exact resumption: the model has no randomness and the data order is a function of the seed and
 * the epoch ({@link Seeds}); a checkpoint holds the weights, the optimizer moments, the step and
 * the data position, so a resumed run takes bit-identical updates.
 *
 * <p>The first {@code validation_images} pairs (in record-id order) are held out of training.
 */
public final class ClipTrainer {

  /** Where the model is exported for reranking. */
  public static final String EXPORT_DIR = "export";

  /** The held-out retrieval accuracies, written at the end. */
  public static final String RETRIEVAL_FILE = "retrieval.json";

  /** The tokenizer copy in every checkpoint. */
  static final String TOKENIZER = "tokenizer.json";

  /**
   * What a run ended with.
   *
   * @param step updates done
   * @param finished whether all configured steps are done (false after a stop request)
   * @param exitCode 0, or the stop signal's code
   * @param loss the last update's loss (NaN when this invocation took none)
   * @param accuracy the last batch's in-batch top-1 accuracy, both directions averaged
   * @param temperature the temperature after the last update
   * @param retrieval the held-out retrieval accuracies; null unless {@code finished}
   * @param export the export directory, written when {@code finished}
   */
  public record Result(
      long step,
      boolean finished,
      int exitCode,
      double loss,
      double accuracy,
      double temperature,
      RetrievalAccuracy retrieval,
      Path export) {}

  private final TrainClipConfig requested;
  private final List<String> commandLine;
  private final StopSignal stop;
  private final PrintStream log;
  private LongConsumer afterStep = step -> {};

  /**
   * @param config the resolved config; a model text vocabulary of 0 is taken from the tokenizer
   * @param commandLine the arguments, recorded in {@code run.json}
   * @param stop polled after every update
   * @param log where the progress bar and messages go
   */
  public ClipTrainer(
      TrainClipConfig config, List<String> commandLine, StopSignal stop, PrintStream log) {
    this.requested = config.validate();
    this.commandLine = List.copyOf(commandLine);
    this.stop = stop;
    this.log = log;
  }

  /** Called with the step count after each update (tests use it to interrupt a run). */
  ClipTrainer onStep(LongConsumer afterStep) {
    this.afterStep = afterStep;
    return this;
  }

  /**
   * Trains until {@code steps} updates are done or a stop is requested.
   *
   * @param resume continue from the latest checkpoint in {@code out} (a fresh start when there is
   *     none); without it, existing checkpoints are an error
   */
  public Result run(boolean resume) throws IOException {
    Path tokenizerFile = Path.of(requested.data()).resolve(TOKENIZER);
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new IllegalArgumentException(
          tokenizerFile + " does not exist; expected the output of `dalle prepare` in --data");
    }
    String tokenizerJson = Files.readString(tokenizerFile, StandardCharsets.UTF_8);
    BpeTokenizer tokenizer = BpeTokenizer.fromTokenizerJson(tokenizerJson);
    TrainClipConfig config =
        requested.withTokenizerVocabulary(tokenizer.vocabSize(), tokenizerFile.toString());
    config.model().validate();
    CaptionedImages all = CaptionedImages.load(Path.of(config.data()), config.model().imageSize());
    int held = config.validationImages();
    if (all.count() < held + config.batchSize()) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d pairs; expected at least validation_images (%d) + batch_size (%d)",
              config.data(), all.count(), held, config.batchSize()));
    }
    CaptionedImages validation = all.range(0, held);
    CaptionedImages train = all.range(held, all.count());

    String yaml = ConfigLoader.toYaml(config);
    RunDirectory run =
        RunDirectory.open(Path.of(config.out()), yaml, Map.of("seed", config.seed()), commandLine);
    CheckpointStore store = new CheckpointStore(run.checkpoints(), config.keepCheckpoints());
    Optional<Checkpoint> latest = store.latestToResume(resume, run.dir());

    try (NDManager base = Engine.getInstance().newBaseManager();
        AdamW optimizer =
            AdamW.builder()
                .optBetas(config.adamBeta1(), config.adamBeta2())
                .optEpsilon(config.adamEpsilon())
                .optWeightDecay(config.weightDecay())
                .optDecayFilter(AdamW.weightsOnly())
                .build()) {
      ClipModel model = new ClipModel(config.model());
      Seeds.seedEngineForStep(config.seed(), 0);
      model.initializeParameters(base);
      long step = 0;
      DataPosition position = DataPosition.start();
      if (latest.isPresent()) {
        Checkpoint checkpoint = latest.get();
        restore(config, checkpoint, model.getParameters(), optimizer, base);
        step = checkpoint.step();
        position = checkpoint.data();
        log.printf("train-clip: resuming from %s (step %d)%n", checkpoint.dir(), step);
      } else if (resume) {
        log.println("train-clip: no checkpoint in " + store.root() + "; starting fresh");
      }
      log.printf(
          "train-clip: %d parameters; %d training pairs, %d held out%n",
          model.parameterCount(), train.count(), validation.count());
      Loop loop =
          new Loop(config, model, optimizer, base, train, tokenizer, run, store, tokenizerJson);
      Result result = loop.train(step, position);
      if (!result.finished()) {
        return result;
      }
      ClipExport.write(model, tokenizerJson, result.export());
      RetrievalAccuracy retrieval =
          RetrievalCheck.run(model, validation, tokenizer, config.batchSize(), base);
      RetrievalCheck.write(
          run.file(RETRIEVAL_FILE),
          retrieval,
          result.step(),
          new HashSet<>(validation.captions()).size());
      return new Result(
          result.step(),
          true,
          result.exitCode(),
          result.loss(),
          result.accuracy(),
          result.temperature(),
          retrieval,
          result.export());
    }
  }

  private static void restore(
      TrainClipConfig config,
      Checkpoint checkpoint,
      ParameterList params,
      AdamW optimizer,
      NDManager base)
      throws IOException {
    checkpoint.requireSeed(config.seed());
    try (NDManager scope = base.newSubManager()) {
      ParameterArrays.restore(params, checkpoint.readArrays(Checkpoint.MODEL, scope));
    }
    try (InputStream in = checkpoint.open(Checkpoint.OPTIMIZER)) {
      optimizer.load(in);
    }
  }

  /** The figures of one update. */
  private record StepMetrics(
      double loss,
      double imageToText,
      double textToImage,
      double accuracy,
      double temperature,
      double learningRate,
      double gradNorm) {}

  /** The state of one invocation's loop. */
  private final class Loop {
    private final TrainClipConfig config;
    private final ClipModel model;
    private final ParameterList params;
    private final AdamW optimizer;
    private final NDManager base;
    private final CaptionedImages train;
    private final long[] ids;
    private final RunDirectory run;
    private final CheckpointStore store;
    private final String tokenizerJson;
    private final Schedule learningRate;

    Loop(
        TrainClipConfig config,
        ClipModel model,
        AdamW optimizer,
        NDManager base,
        CaptionedImages train,
        BpeTokenizer tokenizer,
        RunDirectory run,
        CheckpointStore store,
        String tokenizerJson) {
      this.config = config;
      this.model = model;
      this.params = model.getParameters();
      this.optimizer = optimizer;
      this.base = base;
      this.train = train;
      this.run = run;
      this.store = store;
      this.tokenizerJson = tokenizerJson;
      int length = config.model().textLength();
      ids = new long[train.count() * length];
      for (int i = 0; i < train.count(); i++) {
        long[] row = ClipScorer.tokenize(tokenizer, train.captions().get(i), length);
        System.arraycopy(row, 0, ids, i * length, length);
      }
      learningRate =
          Schedule.warmupCosine(
              config.learningRate(),
              config.finalLearningRate(),
              config.warmupSteps(),
              config.steps());
    }

    Result train(long startStep, DataPosition position) throws IOException {
      BatchSampler sampler =
          new BatchSampler(
              config.seed(),
              train.count(),
              config.batchSize(),
              false, // a mirrored image no longer matches "to the left of"
              train.images().cropPositions(),
              config.randomCrop(),
              position);
      ProgressBar progress = ProgressBar.forLog(config.steps(), log);
      long step = startStep;
      long checkpointed = startStep;
      StepMetrics last = null;
      try (MetricsLog metrics = MetricsLog.open(run.metrics(), startStep)) {
        while (step < config.steps() && !stop.isRequested()) {
          long t0 = System.nanoTime();
          last = update(step, sampler);
          step++;
          double seconds = (System.nanoTime() - t0) / 1e9;
          metrics.log(step, fields(last, config.batchSize() / seconds));
          progress.update(step, shown(last));
          afterStep.accept(step);
          if (step % config.checkpointEvery() == 0 && step < config.steps()) {
            checkpoint(step, sampler.position());
            checkpointed = step;
          }
        }
        progress.finish(step, last == null ? Map.of() : shown(last));
      }
      // The last state is always in a checkpoint: at the end, after a stop, or already written.
      if (!(step == checkpointed && store.latest().isPresent())) {
        checkpoint(step, sampler.position());
      }
      return new Result(
          step,
          step >= config.steps(),
          stop.exitCode(),
          last == null ? Double.NaN : last.loss(),
          last == null ? Double.NaN : last.accuracy(),
          model.temperature(),
          null,
          run.file(EXPORT_DIR));
    }

    /** One update from {@code step} earlier ones, all intermediates in a per-step manager. */
    private StepMetrics update(long step, BatchSampler sampler) {
      try (NDManager scope = base.newSubManager()) {
        Seeds.seedEngineForStep(config.seed(), step);
        BatchSampler.Batch batch = sampler.next();
        int b = batch.indices().length;
        int size = config.model().imageSize();
        int floats = train.images().imageFloats();
        int length = config.model().textLength();
        float[] pixels = new float[b * floats];
        long[] text = new long[b * length];
        List<String> captions = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
          int index = batch.indices()[i];
          train
              .images()
              .copyTo(index, false, batch.lefts()[i], batch.tops()[i], pixels, i * floats);
          System.arraycopy(ids, index * length, text, i * length, length);
          captions.add(train.captions().get(index));
        }
        NDArray images = scope.create(pixels, new Shape(b, 3, size, size));
        NDArray textIds = scope.create(text, new Shape(b, length));
        double lr = learningRate.valueAt(step);
        double temperature = model.temperature();
        ClipLoss loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          loss = model.loss(images, textIds);
          collector.backward(loss.total());
        }
        double total = loss.total().getFloat();
        if (!Double.isFinite(total)) {
          throw new IllegalStateException(
              "loss is "
                  + total
                  + " at step "
                  + (step + 1)
                  + "; lower learning_rate or check data");
        }
        double gradNorm =
            config.gradientClip() > 0
                ? Gradients.clipByGlobalNorm(params, config.gradientClip())
                : Gradients.globalGradNorm(params);
        RetrievalAccuracy inBatch = RetrievalAccuracy.of(loss.logits().toFloatArray(), captions);
        optimizer.update(params, lr);
        Gradients.zeroGradients(params);
        return new StepMetrics(
            total,
            loss.imageToText().getFloat(),
            loss.textToImage().getFloat(),
            inBatch.meanTop1(),
            temperature,
            lr,
            gradNorm);
      }
    }

    private Map<String, Number> fields(StepMetrics m, double pairsPerSecond) {
      Map<String, Number> values = new LinkedHashMap<>();
      values.put("loss", m.loss());
      values.put("image_to_text", m.imageToText());
      values.put("text_to_image", m.textToImage());
      values.put("accuracy", m.accuracy());
      values.put("temperature", m.temperature());
      values.put("lr", m.learningRate());
      values.put("grad_norm", m.gradNorm());
      values.put("pairs_per_s", pairsPerSecond);
      return values;
    }

    /** The figures on the progress line, in this order. */
    private static Map<String, Number> shown(StepMetrics m) {
      Map<String, Number> fields = new LinkedHashMap<>();
      fields.put("loss", m.loss());
      fields.put("acc", m.accuracy());
      fields.put("temp", m.temperature());
      return fields;
    }

    private void checkpoint(long step, DataPosition position) throws IOException {
      try (NDManager scope = base.newSubManager();
          CheckpointWriter writer = store.begin(step)) {
        writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
        writer.put(Checkpoint.OPTIMIZER, optimizer::save);
        writer.putText(TOKENIZER, tokenizerJson);
        writer.commit(position, config.seed(), ConfigLoader.toYaml(config));
      }
    }
  }
}

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Ema;
import org.dalle.models.optim.Gradients;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.PriorLoss;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;

/**
 * This project's side of benchmarks/transformer-step: training updates of the transformer prior on
 * a fixed random batch, each exactly what {@code PriorUpdate} does in fp32 inside the training loop
 * (forward under the row/column/convolutional masks, weighted text/image loss, backward, the three
 * loss scalars read back, global-norm clipping at 4, AdamW (0.9, 0.96, 1e-8, weight decay 4.5e-2 on
 * matrices), EMA 0.99, gradients zeroed), all intermediates in a per-update manager.
 *
 * <p>{@code java -cp jobs/target/dalle.jar TransformerStepBench.java SPEC BATCH WARMUP SECONDS
 * [DIR]} with SPEC {@code layers,d_model,heads,text_length,text_vocab,grid,image_vocab,conv_kernel,
 * dropout} (the Python reference reads the same string); the thread count comes from the system
 * property ai.djl.pytorch.num_threads. After WARMUP updates, and at least SECONDS of them (the JIT
 * compiler takes 10 to 15 s to settle on the update's code, and an update of the tiny config is
 * 10% slower before), it takes timed updates on the commands of
 * benchmarks/lib/lockstep.py (wall and process CPU time of each) and, when told to quit, reports the
 * median of each phase and the float32 matrix-product rate of this process ({@code peak_gflops}).
 * With DIR it first writes the initial weights, the batch and the dropout-free loss and gradient norm
 * of that batch there, so the reference can check that it is the same model.
 */
public class TransformerStepBench {

  /** CPU time of the whole process, every thread (the JIT compiler's and collector's too). */
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private static final String[] PHASES = {"forward+loss", "backward", "clip", "adamw", "ema"};

  public static void main(String[] args) throws IOException {
    TransformerConfig config = config(args[0]);
    int batch = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    double warmupSeconds = Double.parseDouble(args[3]);
    Path dump = args.length > 4 ? Path.of(args[4]) : null;
    try (NDManager base = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(0);
      TransformerPrior model = new TransformerPrior(config);
      model.initializeParameters(base);
      ParameterList params = model.getParameters();
      long[] text = text(config, batch, new Random(1));
      long[] image = image(config, batch, new Random(2));
      if (dump != null) {
        check(model, params, config, batch, text, image, dump);
      }
      AdamW optimizer =
          AdamW.builder()
              .optBetas(0.9, 0.96)
              .optEpsilon(1e-8)
              .optWeightDecay(4.5e-2)
              .optDecayFilter(AdamW.weightsOnly())
              .build();
      Ema ema = new Ema(0.99);
      long[] phases = new long[PHASES.length];
      long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
      for (int i = 0; i < warmup || System.nanoTime() < warmupEnd; i++) {
        step(model, params, optimizer, ema, config, batch, text, image, base, phases);
      }
      List<long[]> timed = new ArrayList<>();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.out.println("@ready");
      System.out.flush();
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        int count = Integer.parseInt(line.substring("run ".length()));
        StringBuilder times = new StringBuilder("@times");
        for (int i = 0; i < count; i++) {
          long c0 = OS.getProcessCpuTime();
          long t0 = System.nanoTime();
          step(model, params, optimizer, ema, config, batch, text, image, base, phases);
          long wall = System.nanoTime() - t0;
          times.append(String.format(
              Locale.ROOT, " %.3f,%.3f", wall / 1e6, (OS.getProcessCpuTime() - c0) / 1e6));
          timed.add(phases.clone());
        }
        System.out.println(times);
        System.out.flush();
      }
      StringBuilder line = new StringBuilder("@info phases_ms");
      for (int p = 0; p < PHASES.length; p++) {
        long[] values = new long[timed.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = timed.get(i)[p];
        }
        line.append(String.format(Locale.ROOT, " %s=%.1f", PHASES[p], median(values) / 1e6));
      }
      System.out.println(line);
      System.out.printf(Locale.ROOT, "@info parameters %d%n", model.parameterCount());
      System.out.printf(Locale.ROOT, "@info peak_gflops %.1f%n", peakGflops(base));
    }
  }

  /** The config of SPEC, the attention schedule sparse (row, column, convolutional). */
  static TransformerConfig config(String spec) {
    String[] v = spec.split(",");
    return new TransformerConfig(
        Integer.parseInt(v[0]),
        Integer.parseInt(v[1]),
        Integer.parseInt(v[2]),
        Integer.parseInt(v[3]),
        Integer.parseInt(v[4]),
        Integer.parseInt(v[5]),
        Integer.parseInt(v[6]),
        Integer.parseInt(v[7]),
        1f / 8,
        7f / 8,
        Float.parseFloat(v[8]),
        AttentionSchedule.SPARSE);
  }

  /** One update, as PriorUpdate takes it in fp32; phases[p] gets each phase's nanoseconds. */
  private static void step(
      TransformerPrior model,
      ParameterList params,
      AdamW optimizer,
      Ema ema,
      TransformerConfig config,
      int batch,
      long[] textIds,
      long[] imageIds,
      NDManager base,
      long[] phases) {
    try (NDManager scope = base.newSubManager()) {
      NDArray text = scope.create(textIds, new Shape(batch, config.textLength()));
      NDArray image = scope.create(imageIds, new Shape(batch, config.imageLength()));
      long t0 = System.nanoTime();
      PriorLoss loss;
      long t1;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        loss = model.loss(text, image, true, null);
        t1 = System.nanoTime();
        collector.backward(loss.total());
      }
      float total = loss.total().getFloat() + loss.text().getFloat() + loss.image().getFloat();
      if (!Float.isFinite(total)) {
        throw new IllegalStateException("loss is " + total);
      }
      long t2 = System.nanoTime();
      Gradients.clipByGlobalNorm(params, 4.0);
      long t3 = System.nanoTime();
      optimizer.update(params, 4.5e-4);
      long t4 = System.nanoTime();
      ema.update(params);
      Gradients.zeroGradients(params);
      long t5 = System.nanoTime();
      phases[0] = t1 - t0;
      phases[1] = t2 - t1;
      phases[2] = t3 - t2;
      phases[3] = t4 - t3;
      phases[4] = t5 - t4;
    }
  }

  /**
   * Writes the initial weights ({@code weights.json} + {@code weights.bin}, float32
   * little-endian), the batch ({@code batch.bin}, int64) and the dropout-free loss and gradient norm
   * ({@code expected.txt}).
   */
  private static void check(
      TransformerPrior model,
      ParameterList params,
      TransformerConfig config,
      int batch,
      long[] textIds,
      long[] imageIds,
      Path dir)
      throws IOException {
    Files.createDirectories(dir);
    writeWeights(params, dir);
    ByteBuffer ids =
        ByteBuffer.allocate(8 * (textIds.length + imageIds.length)).order(ByteOrder.LITTLE_ENDIAN);
    ids.asLongBuffer().put(textIds).put(imageIds);
    Files.write(dir.resolve("batch.bin"), ids.array());
    try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
      NDArray text = scope.create(textIds, new Shape(batch, config.textLength()));
      NDArray image = scope.create(imageIds, new Shape(batch, config.imageLength()));
      PriorLoss loss;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        loss = model.loss(text, image, false, null);
        collector.backward(loss.total());
      }
      double norm = Gradients.globalGradNorm(params);
      Gradients.zeroGradients(params);
      Files.writeString(
          dir.resolve("expected.txt"),
          String.format(
              Locale.ROOT,
              "loss %.7f text %.7f image %.7f grad_norm %.7f%n",
              loss.total().getFloat(),
              loss.text().getFloat(),
              loss.image().getFloat(),
              norm));
    }
  }

  /** Every parameter, named by its key, as {@code weights.json} (index) and {@code weights.bin}. */
  static void writeWeights(ParameterList params, Path dir) throws IOException {
    StringBuilder index = new StringBuilder("[");
    long offset = 0;
    try (OutputStream file = Files.newOutputStream(dir.resolve("weights.bin"));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(file))) {
      for (Pair<String, Parameter> entry : params) {
        NDArray array = entry.getValue().getArray();
        float[] values = array.toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        out.write(bytes.array());
        index.append(offset == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "%n {\"name\": \"%s\", \"shape\": %s, \"offset\": %d}",
                    entry.getKey(),
                    Arrays.toString(array.getShape().getShape()),
                    offset));
        offset += values.length;
      }
    }
    index.append("\n]\n");
    Files.write(dir.resolve("weights.json"), index.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Float32 matrix products of 2048² per second, best of 5 batches of 4. */
  static double peakGflops(NDManager base) {
    int n = 2048;
    double best = 0;
    try (NDManager scope = base.newSubManager()) {
      NDArray a = scope.randomNormal(new Shape(n, n));
      NDArray b = scope.randomNormal(new Shape(n, n));
      a.matMul(b).close();
      for (int r = 0; r < 5; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < 4; i++) {
          a.matMul(b).close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 4 * 2.0 * n * n * n / seconds / 1e9);
      }
    }
    return best;
  }

  /** Captions of 4 to 20 random BPE ids, then each position's padding token. */
  static long[] text(TransformerConfig config, int batch, Random random) {
    int length = config.textLength();
    long[] ids = new long[batch * length];
    for (int b = 0; b < batch; b++) {
      int[] caption = new int[4 + random.nextInt(17)];
      for (int i = 0; i < caption.length; i++) {
        caption[i] = random.nextInt(config.textVocabSize());
      }
      int[] padded = TextTokens.pad(caption, length, config.textVocabSize());
      for (int i = 0; i < length; i++) {
        ids[b * length + i] = padded[i];
      }
    }
    return ids;
  }

  /** Uniformly random image codes. */
  static long[] image(TransformerConfig config, int batch, Random random) {
    long[] ids = new long[batch * config.imageLength()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = random.nextInt(config.imageVocabSize());
    }
    return ids;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.PriorDecoder;
import org.dalle.models.transformer.PriorSampler;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;

/**
 * This project's side of benchmarks/sample-vs-pytorch: image tokens per second of whole grids
 * sampled with the key/value-cached decoder ({@code PriorSampler}, temperature 1, no truncation, as
 * {@code dalle sample} draws them) for a batch of captions, on a model with random weights.
 *
 * <p>{@code java -cp jobs/target/dalle.jar SampleVsPytorchBench.java SPEC BATCH WARMUP SECONDS DIR} with
 * SPEC {@code layers,d_model,heads,text_length,text_vocab,grid,image_vocab,conv_kernel,dropout} as
 * the reference reads it. First writes the weights ({@code weights.json}, {@code weights.bin}) and
 * the captions ({@code text.bin}) to DIR for the reference to sample from the same model, and the
 * logits of image tokens 0 and 1 after the caption and a fixed first token ({@code logits.bin}),
 * which the reference must reproduce; then, after WARMUP grids and at least SECONDS of them (for the
 * JIT compiler), samples timed grids on the commands
 * of benchmarks/lib/lockstep.py (wall and process CPU time of each).
 */
public class SampleVsPytorchBench {

  /** CPU time of the whole process, every thread (the JIT compiler's and collector's too). */
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  public static void main(String[] args) throws IOException {
    TransformerConfig config = config(args[0]);
    int batch = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    double warmupSeconds = Double.parseDouble(args[3]);
    Path dir = Path.of(args[4]);
    Files.createDirectories(dir);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(0);
      TransformerPrior model = new TransformerPrior(config);
      model.initializeParameters(manager);
      writeWeights(model.getParameters(), dir);
      long[] ids = text(config, batch, new Random(1));
      ByteBuffer textBytes = ByteBuffer.allocate(8 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
      textBytes.asLongBuffer().put(ids);
      Files.write(dir.resolve("text.bin"), textBytes.array());
      NDArray text = manager.create(ids, new Shape(batch, config.textLength()));
      writeFirstLogits(model, text, dir);
      SamplingOptions options = SamplingOptions.paper();
      long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
      for (int r = 0; r < warmup || System.nanoTime() < warmupEnd; r++) {
        PriorSampler.sampleImages(model, text, null, options, r).close();
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.out.println("@ready");
      System.out.flush();
      long seed = 1000;
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        int count = Integer.parseInt(line.substring("run ".length()));
        StringBuilder times = new StringBuilder("@times");
        for (int i = 0; i < count; i++) {
          long c0 = OS.getProcessCpuTime();
          long t0 = System.nanoTime();
          PriorSampler.sampleImages(model, text, null, options, seed++).close();
          long wall = System.nanoTime() - t0;
          times.append(String.format(
              Locale.ROOT, " %.3f,%.3f", wall / 1e6, (OS.getProcessCpuTime() - c0) / 1e6));
        }
        System.out.println(times);
        System.out.flush();
      }
      System.out.printf(Locale.ROOT, "@info tokens_per_grid %d%n", batch * config.imageLength());
    }
  }

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

  /** The decoder's logits of image token 0 (after the caption) and 1 (after code 0), float32. */
  private static void writeFirstLogits(TransformerPrior model, NDArray text, Path dir)
      throws IOException {
    int batch = Math.toIntExact(text.getShape().get(0));
    try (NDManager scope = text.getManager().newSubManager();
        PriorDecoder decoder = model.newDecoder(batch, scope)) {
      float[] first = decoder.feed(text).toFloatArray();
      float[] second = decoder.feed(scope.zeros(new Shape(batch, 1), text.getDataType())).toFloatArray();
      ByteBuffer bytes =
          ByteBuffer.allocate(4 * (first.length + second.length)).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(first).put(second);
      Files.write(dir.resolve("logits.bin"), bytes.array());
    }
  }

  /** Every parameter, named by its key: {@code weights.json} (index), {@code weights.bin}. */
  private static void writeWeights(ParameterList params, Path dir) throws IOException {
    StringBuilder index = new StringBuilder("[");
    long offset = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("weights.bin")))) {
      for (Pair<String, Parameter> entry : params) {
        NDArray array = entry.getValue().getArray();
        float[] values = array.toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        out.write(bytes.array());
        index
            .append(offset == 0 ? "" : ",")
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

  /** Captions of 4 to 20 random BPE ids, then each position's padding token. */
  private static long[] text(TransformerConfig config, int batch, Random random) {
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
}

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeLoss;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;

/**
 * This project's side of benchmarks/dvae-step: training steps (forward, loss, backward, AdamW update)
 * of the tiny dVAE config on a fixed random batch. Run with the runnable jar on the class path:
 * {@code java -cp jobs/target/dalle.jar DvaeStepBench.java BATCH WARMUP STEPS}; the thread count comes
 * from the system property ai.djl.pytorch.num_threads. Prints {@code ms_per_step <float>} (the mean)
 * and {@code median_ms_per_step <float>}.
 */
public class DvaeStepBench {
  private static final long[] phase = new long[3];

  public static void main(String[] args) {
    int batch = Integer.parseInt(args[0]);
    int warmup = Integer.parseInt(args[1]);
    int steps = Integer.parseInt(args[2]);
    DvaeConfig config = DvaeConfig.tiny();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(0);
      DiscreteVae model = new DiscreteVae(config);
      model.initializeParameters(manager);
      ParameterList params = model.getParameters();
      AdamW optimizer = AdamW.builder().optBetas(0.9f, 0.999f).optEpsilon(1e-8f).optWeightDecay(1e-4f).build();
      NDArray images =
          manager.randomUniform(0, 1, new Shape(batch, config.channels(), config.imageSize(), config.imageSize()));
      for (int i = 0; i < warmup; i++) {
        step(model, params, optimizer, images);
      }
      java.util.Arrays.fill(phase, 0);
      long[] each = new long[steps];
      for (int i = 0; i < steps; i++) {
        long t0 = System.nanoTime();
        step(model, params, optimizer, images);
        each[i] = System.nanoTime() - t0;
      }
      long total = java.util.Arrays.stream(each).sum();
      java.util.Arrays.sort(each);
      System.out.printf(
          "phases forward+loss %.1f ms, backward %.1f ms, update %.1f ms%n",
          phase[0] / 1e6 / steps, phase[1] / 1e6 / steps, phase[2] / 1e6 / steps);
      System.out.printf("ms_per_step %.3f%n", total / 1e6 / steps);
      System.out.printf("median_ms_per_step %.3f%n", each[steps / 2] / 1e6);
    }
  }

  private static void step(
      DiscreteVae model, ParameterList params, AdamW optimizer, NDArray images) {
    try (NDManager step = images.getManager().newSubManager()) {
      NDArray x = images.duplicate();
      x.attach(step);
      long t0 = System.nanoTime();
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector();
          DvaeLoss loss = model.loss(x, 1f, 1f)) {
        long t1 = System.nanoTime();
        collector.backward(loss.total());
        phase[0] += t1 - t0;
        phase[1] += System.nanoTime() - t1;
      }
      long t2 = System.nanoTime();
      optimizer.update(params, 1e-4);
      Gradients.zeroGradients(params);
      phase[2] += System.nanoTime() - t2;
    }
  }
}

package org.dalle.models.dvae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Prints the forward and forward+backward time of one dVAE training step (the loss at τ = 1, β =
 * 6.6, then backward) for the tiny configuration. Not a test: run it with the test classpath,
 * {@code java ... org.dalle.models.dvae.DvaeStepBenchmark [batch] [steps]}.
 */
public final class DvaeStepBenchmark {

  private DvaeStepBenchmark() {}

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(1);
    DvaeConfig config = DvaeConfig.tiny();
    int size = config.imageSize();
    float[] pixels = ShapeImages.batch(batch, size);
    try (NDManager model = engine.newBaseManager()) {
      DiscreteVae vae = new DiscreteVae(config);
      vae.initializeParameters(model);
      System.out.printf(
          "tiny dVAE %s: %,d parameters, batch %d, %d threads%n",
          config, vae.parameterCount(), batch, Runtime.getRuntime().availableProcessors());
      for (int warm = 0; warm < 3; warm++) {
        step(engine, vae, model, pixels, batch, size);
      }
      double forward = 0;
      double total = 0;
      for (int i = 0; i < steps; i++) {
        double[] times = step(engine, vae, model, pixels, batch, size);
        forward += times[0];
        total += times[1];
      }
      System.out.printf(
          "per step: forward+loss %.1f ms, forward+loss+backward %.1f ms (mean of %d)%n",
          forward / steps * 1e3, total / steps * 1e3, steps);
    }
  }

  private static double[] step(
      Engine engine, DiscreteVae vae, NDManager model, float[] pixels, int batch, int size) {
    try (NDManager scope = model.newSubManager();
        GradientCollector collector = engine.newGradientCollector()) {
      NDArray images = scope.create(pixels, new Shape(batch, 3, size, size));
      long start = System.nanoTime();
      DvaeLoss loss = vae.loss(images, 1f, 6.6f);
      loss.total().getFloat(); // waits for the forward to finish
      long forwardDone = System.nanoTime();
      collector.backward(loss.total());
      long backwardDone = System.nanoTime();
      collector.zeroGradients();
      return new double[] {(forwardDone - start) / 1e9, (backwardDone - start) / 1e9};
    }
  }
}

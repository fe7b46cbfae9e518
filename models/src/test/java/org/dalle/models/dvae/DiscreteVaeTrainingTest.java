package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.junit.jupiter.api.Test;

/** The tiny dVAE learns: 100 Adam steps on four shape images cut its loss and its error. */
class DiscreteVaeTrainingTest {

  private static final int STEPS = 100;

  @Test
  void tinyModelOverfitsFourImages() {
    System.setProperty("ai.djl.offline", "true");
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(5);
    DvaeConfig config = DvaeConfig.tiny();
    float[] pixels = ShapeImages.batch(4, config.imageSize());
    Shape shape = new Shape(4, 3, config.imageSize(), config.imageSize());
    try (NDManager model = engine.newBaseManager()) {
      DiscreteVae vae = new DiscreteVae(config);
      vae.initializeParameters(model);
      Optimizer adam = Adam.builder().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
      float firstLoss = Float.NaN;
      float lastLoss = Float.NaN;
      float firstError = Float.NaN;
      for (int step = 0; step < STEPS; step++) {
        try (NDManager scope = model.newSubManager();
            GradientCollector collector = engine.newGradientCollector()) {
          NDArray images = scope.create(pixels, shape);
          if (step == 0) {
            firstError = reconstructionError(vae, images);
          }
          DvaeLoss loss = vae.loss(images, 1f, 6.6f);
          collector.backward(loss.total());
          lastLoss = loss.total().getFloat();
          if (step == 0) {
            firstLoss = lastLoss;
          }
          for (Parameter parameter : vae.getParameters().values()) {
            NDArray weight = parameter.getArray();
            try (NDArray grad = weight.getGradient()) {
              adam.update(parameter.getId(), weight, grad);
              grad.subi(grad);
            }
          }
        }
      }
      float lastError;
      try (NDManager scope = model.newSubManager()) {
        lastError = reconstructionError(vae, scope.create(pixels, shape));
      }
      System.out.printf(
          "tiny dVAE, %d steps on 4 images: loss %.3f -> %.3f, codebook reconstruction MSE %.4f ->"
              + " %.4f%n",
          STEPS, firstLoss, lastLoss, firstError, lastError);
      // Seen: loss 0.08 -> -1.0 nats per sub-pixel, MSE 0.095 -> 0.055.
      assertTrue(lastLoss < firstLoss - 0.5f, "loss " + firstLoss + " -> " + lastLoss);
      assertTrue(lastError < 0.75f * firstError, "MSE " + firstError + " -> " + lastError);
    }
  }

  /** Mean squared error of decode(encode(images)): what the transformer's tokens can show. */
  private static float reconstructionError(DiscreteVae vae, NDArray images) {
    try (NDArray reconstruction = vae.reconstruct(images)) {
      return reconstruction.sub(images).square().mean().getFloat();
    }
  }
}

package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.dalle.models.optim.AdamW;
import org.dalle.models.optim.Gradients;
import org.junit.jupiter.api.Test;

/** A tiny prior learns: a few dozen AdamW steps on four fixed sequences memorise them. */
class TransformerTrainingTest {

  private static final int STEPS = 40;

  @Test
  void tinyModelOverfitsATinyBatch() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager manager = engine.newBaseManager();
        AdamW adam = AdamW.builder().optBetas(0.9, 0.96).optWeightDecay(4.5e-2).build()) {
      TransformerPrior model = TinyPriors.model(config, manager, 1);
      Random random = new Random(1);
      NDArray text = TinyPriors.text(manager, 4, random);
      NDArray image = TinyPriors.image(manager, 4, random);
      ParameterList params = model.getParameters();
      float[] first = null;
      float[] last = null;
      for (int step = 0; step < STEPS; step++) {
        try (NDManager scope = manager.newSubManager()) {
          NDArray stepText = text.duplicate();
          NDArray stepImage = image.duplicate();
          stepText.attach(scope);
          stepImage.attach(scope);
          PriorLoss loss;
          try (GradientCollector collector = engine.newGradientCollector()) {
            loss = model.loss(stepText, stepImage);
            collector.backward(loss.total());
          }
          // The update runs outside the collector: in-place changes of recorded leaves fail.
          Gradients.clipByGlobalNorm(params, 4);
          adam.update(params, 1e-2);
          Gradients.zeroGradients(params);
          last =
              new float[] {
                loss.total().getFloat(), loss.text().getFloat(), loss.image().getFloat()
              };
          if (first == null) {
            first = last;
          }
        }
      }
      System.out.printf(
          "tiny prior, %d steps on 4 sequences: loss %.3f -> %.3f (text %.3f -> %.3f, image %.3f"
              + " -> %.3f)%n",
          STEPS, first[0], last[0], first[1], last[1], first[2], last[2]);
      assertTrue(last[0] < 0.25f * first[0], "total loss " + first[0] + " -> " + last[0]);
      assertTrue(last[1] < 0.5f * first[1], "text loss " + first[1] + " -> " + last[1]);
      assertTrue(last[2] < 0.25f * first[2], "image loss " + first[2] + " -> " + last[2]);
    }
  }
}

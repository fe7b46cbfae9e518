package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.dalle.models.transformer.AttentionMasks.Kind;
import org.junit.jupiter.api.Test;

/** Windowed attention gives dense masked attention's outputs and gradients. */
class WindowedAttentionTest {

  private static final float TOLERANCE = 1e-5f;

  @Test
  void windowsGiveWhatTheDenseMaskGives() {
    AttentionMasks masks = new AttentionMasks(6, 4, 3); // Figure 11's sequence, T = 22
    MaskBiases biases = new MaskBiases(masks, masks.sequenceLength());
    for (Kind kind : new Kind[] {Kind.ROW, Kind.COLUMN, Kind.CONVOLUTIONAL}) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        Shape shape = new Shape(2, 3, masks.sequenceLength(), 4); // (B, H, T, hd)
        NDArray q = manager.randomNormal(shape);
        NDArray k = manager.randomNormal(shape);
        NDArray v = manager.randomNormal(shape);
        NDArray upstream = manager.randomNormal(shape); // the gradient of the output
        LayerMask windowed = biases.mask(kind, masks.sequenceLength(), DataType.FLOAT32, manager);
        assertEquals(true, windowed.isWindowed(), kind.toString());
        NDArray dense = biases.bias(kind, masks.sequenceLength(), manager); // (T, T)
        float[][] expected = outputAndGradients(q, k, v, upstream, a -> denseAttention(a, dense));
        float[][] actual =
            outputAndGradients(
                q, k, v, upstream, a -> WindowedAttention.attend(a[0], a[1], a[2], windowed, 0f));
        String[] names = {"output", "dq", "dk", "dv"};
        for (int i = 0; i < expected.length; i++) {
          for (int j = 0; j < expected[i].length; j++) {
            assertEquals(expected[i][j], actual[i][j], TOLERANCE, kind + " " + names[i] + j);
          }
        }
      }
    }
  }

  private interface Attention {
    NDArray apply(NDArray[] qkv);
  }

  private static NDArray denseAttention(NDArray[] qkv, NDArray bias) {
    NDArray scores = qkv[0].matMul(qkv[1].transpose(0, 1, 3, 2)).add(bias);
    return scores.softmax(-1).matMul(qkv[2]);
  }

  /** The output and the gradients of {@code Σ output·upstream} with respect to q, k, v. */
  private static float[][] outputAndGradients(
      NDArray q, NDArray k, NDArray v, NDArray upstream, Attention attention) {
    NDArray[] leaves = {q.duplicate(), k.duplicate(), v.duplicate()};
    for (NDArray leaf : leaves) {
      leaf.setRequiresGradient(true);
    }
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray out = attention.apply(leaves);
      collector.backward(out.mul(upstream).sum());
      return new float[][] {
        out.toFloatArray(),
        leaves[0].getGradient().toFloatArray(),
        leaves[1].getGradient().toFloatArray(),
        leaves[2].getGradient().toFloatArray()
      };
    }
  }
}

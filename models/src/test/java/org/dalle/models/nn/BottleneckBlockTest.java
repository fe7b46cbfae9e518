package org.dalle.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BottleneckBlockTest {

  private static final Shape INPUT = new Shape(2, 8, 5, 5);

  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void isTheIdentityWhenTheResidualPathIsZero() {
    try (NDManager m = manager.newSubManager()) {
      BottleneckBlock block = block(8, 8, 0.25f, m);
      for (Parameter parameter : block.getParameters().values()) {
        parameter.getArray().muli(0f);
      }
      NDArray x = m.randomNormal(INPUT);
      assertArrayEquals(x.toFloatArray(), forward(block, x).toFloatArray());
    }
  }

  @Test
  void residualPathIsScaledByThePostGain() {
    try (NDManager m = manager.newSubManager()) {
      BottleneckBlock gainOne = block(8, 8, 1f, m);
      BottleneckBlock gainQuarter = block(8, 8, 0.25f, m);
      List<Parameter> from = gainOne.getParameters().values();
      List<Parameter> to = gainQuarter.getParameters().values();
      for (int i = 0; i < from.size(); i++) {
        from.get(i).getArray().copyTo(to.get(i).getArray());
      }
      NDArray x = m.randomNormal(INPUT);
      NDArray fullResidual = forward(gainOne, x).sub(x);
      NDArray quarterResidual = forward(gainQuarter, x).sub(x);
      assertTrue(fullResidual.abs().max().getFloat() > 1e-3f, "a non-trivial residual");
      assertArrayEquals(
          fullResidual.mul(0.25f).toFloatArray(), quarterResidual.toFloatArray(), 1e-5f);
    }
  }

  @Test
  void widensThroughAOneByOneIdentityPath() {
    try (NDManager m = manager.newSubManager()) {
      BottleneckBlock block = block(8, 16, 0.25f, m);
      assertEquals(new Shape(2, 16, 5, 5), forward(block, m.randomNormal(INPUT)).getShape());
      // id path 1×1 8→16, then 3×3 8→4, 3×3 4→4, 3×3 4→4, 1×1 4→16: weights and biases.
      long expected = (8 * 16 + 16) + (8 * 4 * 9 + 4) + 2 * (4 * 4 * 9 + 4) + (4 * 16 + 16);
      long count = 0;
      for (Parameter parameter : block.getParameters().values()) {
        count += parameter.getArray().size();
      }
      assertEquals(expected, count);
    }
  }

  @Test
  void builderRejectsBadValuesByName() {
    assertMessage(
        BottleneckBlock.builder().setInChannels(8).setOutChannels(10).setPostGain(1f),
        "outChannels is 10; expected a positive multiple of 4");
    assertMessage(
        BottleneckBlock.builder().setInChannels(8).setOutChannels(8).setPostGain(0f),
        "postGain is 0.0");
    assertMessage(
        BottleneckBlock.builder().setInChannels(8).setOutChannels(8).setPostGain(1f),
        "kernels are unset; expected four sizes");
    assertMessage(
        BottleneckBlock.builder()
            .setInChannels(8)
            .setOutChannels(8)
            .setPostGain(1f)
            .setKernels(3, 3, 1),
        "kernels are [3, 3, 1]");
  }

  private static BottleneckBlock block(int in, int out, float gain, NDManager m) {
    BottleneckBlock block =
        BottleneckBlock.builder()
            .setInChannels(in)
            .setOutChannels(out)
            .setPostGain(gain)
            .setKernels(3, 3, 3, 1)
            .build();
    block.initialize(m, DataType.FLOAT32, INPUT);
    return block;
  }

  private static NDArray forward(BottleneckBlock block, NDArray x) {
    return block
        .forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
        .singletonOrThrow();
  }

  private static void assertMessage(BottleneckBlock.Builder builder, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}

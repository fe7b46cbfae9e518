package org.dalle.models.optim;

import static org.dalle.models.optim.TestParameters.parameter;
import static org.dalle.models.optim.TestParameters.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParameterArraysTest {

  private final NDManager manager = NDManager.newBaseManager();

  @AfterEach
  void close() {
    manager.close();
  }

  private ParameterList model(float w0, float b0) {
    ParameterList params = new ParameterList();
    params.add("layer_weight", parameter(manager, "weight", Parameter.Type.WEIGHT, w0, w0 + 1));
    params.add("layer_bias", parameter(manager, "bias", Parameter.Type.BIAS, b0));
    return params;
  }

  @Test
  void encodedParametersRestoreByName() {
    byte[] bytes;
    try (NDManager scope = manager.newSubManager()) {
      bytes = ParameterArrays.export(model(1f, 5f), scope).encode();
    }
    ParameterList target = model(0f, 0f);
    try (NDManager scope = manager.newSubManager()) {
      ParameterArrays.restore(target, NDList.decode(scope, bytes));
    }
    assertArrayEquals(new float[] {1f, 2f}, values(target, "layer_weight"));
    assertArrayEquals(new float[] {5f}, values(target, "layer_bias"));
  }

  @Test
  void restoreRejectsOtherNamesAndShapes() {
    try (NDManager scope = manager.newSubManager()) {
      NDList saved = ParameterArrays.export(model(1f, 5f), scope);
      ParameterList renamed = new ParameterList();
      renamed.add("layer_weight", parameter(manager, "weight", Parameter.Type.WEIGHT, 0f, 0f));
      renamed.add("other_bias", parameter(manager, "bias", Parameter.Type.BIAS, 0f));
      IllegalArgumentException names =
          assertThrows(
              IllegalArgumentException.class, () -> ParameterArrays.restore(renamed, saved));
      assertEquals(
          "saved parameters do not match the model: missing [other_bias], unknown [layer_bias];"
              + " expected exactly the model's parameter names",
          names.getMessage());

      ParameterList reshaped = new ParameterList();
      reshaped.add("layer_weight", parameter(manager, "weight", Parameter.Type.WEIGHT, 0f));
      reshaped.add("layer_bias", parameter(manager, "bias", Parameter.Type.BIAS, 0f));
      IllegalArgumentException shapes =
          assertThrows(
              IllegalArgumentException.class, () -> ParameterArrays.restore(reshaped, saved));
      assertEquals(
          "array for parameter 'layer_weight' is float32(2), expected float32(1)",
          shapes.getMessage());
    }
  }

  @Test
  void restoreWorksOnAThreadThatRecordsGradients() throws Exception {
    // The engine turns gradient recording off only on the thread that loaded it; a model restored
    // on another thread (a Beam worker, a later quickstart stage) must still load.
    byte[] bytes;
    try (NDManager scope = manager.newSubManager()) {
      bytes = ParameterArrays.export(model(1f, 5f), scope).encode();
    }
    ParameterList target = model(0f, 0f);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean recordingAfter = new AtomicBoolean();
    Thread thread =
        new Thread(
            () -> {
              JniUtils.setGradMode(true);
              try (NDManager scope = manager.newSubManager()) {
                ParameterArrays.restore(target, NDList.decode(scope, bytes));
                recordingAfter.set(JniUtils.isGradMode());
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    thread.start();
    thread.join();
    assertNull(failure.get(), () -> "restore failed: " + failure.get());
    assertTrue(recordingAfter.get(), "the thread's gradient recording is left as it was");
    assertArrayEquals(new float[] {1f, 2f}, values(target, "layer_weight"));
    assertArrayEquals(new float[] {5f}, values(target, "layer_bias"));
  }
}

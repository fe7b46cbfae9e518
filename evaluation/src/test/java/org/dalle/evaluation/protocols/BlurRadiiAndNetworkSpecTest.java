package org.dalle.evaluation.protocols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dalle.evaluation.features.FeatureNetworks;
import org.junit.jupiter.api.Test;

class BlurRadiiAndNetworkSpecTest {
  @Test
  void radiiParseAndNameTheirFiles() {
    assertEquals(
        List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0), BlurRadii.parse(BlurRadii.DEFAULT));
    assertEquals(List.of(0.0, 1.5), BlurRadii.parse(" 0, 1.5"));
    assertEquals("stats_r2.npz", BlurRadii.statisticsFile(2.0));
    assertEquals("is_r1.5.json", BlurRadii.inceptionScoreFile(1.5));
    assertEquals("0", BlurRadii.label(-0.0));
    for (String bad : List.of("", "1,,2", "x", "-1", "1,1.0", "NaN")) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> BlurRadii.parse(bad), bad);
      assertTrue(error.getMessage().length() > 10, error.getMessage());
    }
  }

  @Test
  void networkSpecsParseWithTheirInputSize() {
    assertEquals(
        new FeatureNetworks.Spec("torchscript", "/m/inception.pt", 299),
        FeatureNetworks.parse("torchscript:/m/inception.pt"));
    assertEquals(
        new FeatureNetworks.Spec("torchscript", "gs://b/m@v2/net.pt", 64),
        FeatureNetworks.parse("torchscript:gs://b/m@v2/net.pt@64"));
    assertEquals(
        new FeatureNetworks.Spec("evaluator", "runs/q/evaluator/export", 0),
        FeatureNetworks.parse("evaluator:runs/q/evaluator/export"));
    assertEquals(
        "evaluator:runs/q/evaluator/export",
        FeatureNetworks.parse("evaluator:runs/q/evaluator/export").toString());
    assertThrows(IllegalArgumentException.class, () -> FeatureNetworks.parse("evaluator:"));
    assertThrows(
        IllegalArgumentException.class, () -> FeatureNetworks.parse("evaluator:gs://b/export"));
    for (String bad :
        List.of(
            "",
            "/m/inception.pt",
            "onnx:/m.onnx",
            "torchscript:",
            "torchscript:/m.pt@big",
            "torchscript:/m.pt@0")) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> FeatureNetworks.parse(bad), bad);
      assertTrue(error.getMessage().contains("torchscript"), error.getMessage());
    }
  }
}

package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.dalle.models.export.PortableExport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DvaeExportTest {

  private static Engine engine;
  private static NDManager manager;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager();
    engine.setRandomSeed(5);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void roundTripGivesIdenticalTokensAndWeights() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae original = new DiscreteVae(DvaeConfig.tiny());
      original.initializeParameters(m);
      Path dir = temp.resolve("export");
      DvaeExport.write(original, dir);

      DiscreteVae loaded = DvaeExport.read(dir, m);
      assertEquals(DvaeConfig.tiny(), loaded.config());
      for (Pair<String, Parameter> parameter : original.getParameters()) {
        NDArray expected = parameter.getValue().getArray();
        NDArray actual = loaded.getParameters().get(parameter.getKey()).getArray();
        assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), parameter.getKey());
      }
      NDArray images = m.randomUniform(0f, 1f, new Shape(4, 3, 32, 32));
      int[] before = original.encode(images).toIntArray();
      int[] after = loaded.encode(images).toIntArray();
      assertArrayEquals(before, after);
      // A random model still spreads codes over more than one entry, so the comparison has teeth.
      assertTrue(Arrays.stream(before).distinct().count() > 1);
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(
            java.util.List.of(
                PortableExport.CONFIG_FILE,
                DvaeExport.CONFIG_FILE,
                DvaeExport.PARAMS_FILE,
                PortableExport.WEIGHTS_FILE),
            files.map(f -> f.getFileName().toString()).sorted().toList(),
            "the export's own files and the portable ones, and no temporary files");
      }
    }
  }

  @Test
  void configIsSnakeCaseJson() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
      model.initializeParameters(m);
      DvaeExport.write(model, temp);
      String json = Files.readString(temp.resolve(DvaeExport.CONFIG_FILE));
      assertTrue(json.contains("\"image_size\":32"), json);
      assertTrue(json.contains("\"blocks_per_group\":1"), json);
      assertFalse(json.contains("grid_size"), json);
    }
  }

  @Test
  void missingDirectoryOrFileIsNamed() throws IOException {
    Path absent = temp.resolve("absent");
    IOException noDir = assertThrows(IOException.class, () -> DvaeExport.read(absent, manager));
    assertTrue(noDir.getMessage().contains(absent + " is not a directory"), noDir.getMessage());

    Files.writeString(temp.resolve(DvaeExport.CONFIG_FILE), "{}");
    IOException noParams = assertThrows(IOException.class, () -> DvaeExport.read(temp, manager));
    assertTrue(noParams.getMessage().contains("has no dvae.params"), noParams.getMessage());
  }

  @Test
  void corruptConfigIsRejectedWithTheFileName() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
      model.initializeParameters(m);
      DvaeExport.write(model, temp);
      Path config = temp.resolve(DvaeExport.CONFIG_FILE);

      Files.writeString(config, "{\"image_size\": 32, \"colour\": 3}");
      IOException unknown = assertThrows(IOException.class, () -> DvaeExport.read(temp, m));
      assertTrue(unknown.getMessage().startsWith(config + " is not a dVAE config"));

      Files.writeString(
          config,
          "{\"image_size\": 30, \"channels\": 3, \"vocab_size\": 512, \"hidden_width\": 32,"
              + " \"decoder_input_width\": 64, \"blocks_per_group\": 1, \"groups\": 3}");
      IOException invalid = assertThrows(IOException.class, () -> DvaeExport.read(temp, m));
      assertTrue(invalid.getMessage().contains("image_size is 30"), invalid.getMessage());
    }
  }

  @Test
  void truncatedOrMismatchedWeightsAreRejected() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
      model.initializeParameters(m);
      DvaeExport.write(model, temp);
      Path params = temp.resolve(DvaeExport.PARAMS_FILE);
      byte[] bytes = Files.readAllBytes(params);

      Files.write(params, Arrays.copyOf(bytes, bytes.length / 2));
      IOException truncated = assertThrows(IOException.class, () -> DvaeExport.read(temp, m));
      assertTrue(truncated.getMessage().startsWith(params.toString()), truncated.getMessage());

      // The same weights under a config with a wider vocabulary: every name matches, a shape not.
      Files.write(params, bytes);
      Files.writeString(
          temp.resolve(DvaeExport.CONFIG_FILE),
          "{\"image_size\": 32, \"channels\": 3, \"vocab_size\": 1024, \"hidden_width\": 32,"
              + " \"decoder_input_width\": 64, \"blocks_per_group\": 1, \"groups\": 3}");
      IOException mismatched = assertThrows(IOException.class, () -> DvaeExport.read(temp, m));
      assertTrue(mismatched.getMessage().contains("expects"), mismatched.getMessage());
    }
  }

  @Test
  void refusesAnUninitialisedModel() {
    DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
    assertThrows(IllegalArgumentException.class, () -> DvaeExport.write(model, temp));
  }
}

package org.dalle.jobs.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dalle.pipelines.prepare.PrepareConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void layersDefaultsFileAndOverrides() throws IOException {
    Path yaml = dir.resolve("prepare.yaml");
    Files.writeString(
        yaml, "inputs: [\"synthetic:10\"]\nimage_size: 64\nvocab_size: 300\nsource:\n  seed: 5\n");
    PrepareConfig config =
        ConfigLoader.load(
            PrepareConfig.class,
            PrepareConfig.defaults(),
            yaml,
            Map.of("vocab_size", 400, "out", "/tmp/x", "source.allow_private_addresses", true));
    assertEquals(List.of("synthetic:10"), config.inputs());
    assertEquals(64, config.imageSize());
    assertEquals(400, config.vocabSize(), "flags win over the file");
    assertEquals(5, config.source().seed());
    assertTrue(config.source().allowPrivateAddresses());
    assertEquals(256, config.textLength(), "untouched defaults stay");
    assertEquals(2.0, config.maxAspectRatio());
    assertEquals(30_000, config.source().httpReadTimeoutMillis());
  }

  @Test
  void unknownKeyInFileIsAnErrorNamingIt() throws IOException {
    Path yaml = dir.resolve("typo.yaml");
    Files.writeString(yaml, "image_sise: 64\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.load(PrepareConfig.class, PrepareConfig.defaults(), yaml, Map.of()));
    assertTrue(e.getMessage().contains("image_sise"), e.getMessage());
    assertTrue(
        e.getMessage().contains("image_size"), "lists the known settings: " + e.getMessage());
  }

  @Test
  void wrongTypeIsAnError() throws IOException {
    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "image_size: large\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConfigLoader.load(PrepareConfig.class, PrepareConfig.defaults(), yaml, Map.of()));
    assertTrue(e.getMessage().contains("large"), e.getMessage());
  }

  @Test
  void everyShippedPrepareConfigLoads() {
    for (String resource :
        List.of("configs/prepare/quickstart.yaml", "configs/prepare/default.yaml")) {
      PrepareConfig config =
          ConfigLoader.loadResource(
              PrepareConfig.class,
              PrepareConfig.defaults(),
              resource,
              Map.of("out", "/tmp/out", "inputs", List.of("synthetic:1")));
      config.validate();
    }
  }

  @Test
  void resolvedConfigRoundTripsThroughYaml() throws IOException {
    PrepareConfig config =
        ConfigLoader.loadResource(
            PrepareConfig.class,
            PrepareConfig.defaults(),
            "configs/prepare/quickstart.yaml",
            Map.of("out", "/tmp/out"));
    Path written = dir.resolve("resolved.yaml");
    Files.writeString(written, ConfigLoader.toYaml(config));
    assertEquals(
        config,
        ConfigLoader.load(PrepareConfig.class, PrepareConfig.defaults(), written, Map.of()));
  }
}

package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.models.clip.ClipConfig;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ClipModel;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.schemas.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --clip}: a train-clip export or run directory opens; anything else fails clearly. */
class RerankerLoaderTest {
  @TempDir Path dir;

  /** A randomly initialised contrastive model over 16×16 images, exported as train-clip does. */
  private Path writeExport(Path export) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    BpeModel bpe =
        new BpeTrainer(270, 1)
            .train(
                Map.of(
                    ByteLevelPreTokenizer.split("red").get(0),
                    3L,
                    ByteLevelPreTokenizer.split(" circle").get(0),
                    3L));
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      ClipModel model = new ClipModel(new ClipConfig(16, 8, 2, 1, 6, bpe.vocabSize(), 16, 2, 2, 8));
      model.initializeParameters(manager);
      ClipExport.write(model, bpe.toTokenizerJson(), export);
    }
    return export;
  }

  @Test
  void opensAnExportOrTheRunDirectoryHoldingIt() throws IOException {
    Path run = dir.resolve("clip-run");
    Path export = writeExport(run.resolve("export"));
    List<String> captions = List.of("red circle", "a red circle", "circle");
    try (NDManager manager = NDManager.newBaseManager();
        ImageTextScorer fromExport = RerankerLoader.open(export.toString());
        ImageTextScorer fromRun = RerankerLoader.open(run.toString())) {
      NDArray images = manager.randomUniform(0, 1, new Shape(3, 3, 16, 16));
      float[] scores = fromExport.score(images, captions);
      assertEquals(3, scores.length);
      assertArrayEquals(scores, fromRun.score(images, captions));
      assertTrue(fromExport.describe().contains("export"), fromExport.describe());
    }
  }

  @Test
  void rejectsPathsThatHoldNoReranker() throws IOException {
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> RerankerLoader.open(dir.resolve("absent").toString()));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    Path empty = Files.createDirectories(dir.resolve("empty"));
    IllegalArgumentException noExport =
        assertThrows(IllegalArgumentException.class, () -> RerankerLoader.open(empty.toString()));
    assertTrue(noExport.getMessage().contains("clip-config.json"), noExport.getMessage());
    Path module = Files.writeString(dir.resolve("clip.pt"), "not really");
    IllegalArgumentException noTokenizer =
        assertThrows(IllegalArgumentException.class, () -> RerankerLoader.open(module.toString()));
    assertTrue(noTokenizer.getMessage().contains("tokenizer.json"), noTokenizer.getMessage());
  }

  @Test
  void sampleKeepsTheBestScoredCandidatesOfTheContrastiveModel() throws IOException {
    SampleFixtures.Models models = SampleFixtures.writeModels(dir.resolve("models"));
    Path export = writeExport(dir.resolve("clip"));
    Path out = dir.resolve("samples");
    int code =
        new CommandLine(new DalleCommand())
            .execute(
                "sample",
                "--transformer",
                models.transformer().toString(),
                "--dvae",
                models.dvae().toString(),
                "--caption",
                "red circle",
                "--candidates",
                "4",
                "--keep",
                "2",
                "--clip",
                export.toString(),
                "--seed",
                "1",
                "--out",
                out.toString());
    assertEquals(0, code);
    List<Sample> samples = SampleFixtures.readSamples(out.resolve("samples.avro"));
    assertEquals(2, samples.size());
    assertNotNull(samples.get(0).getScore());
    assertEquals(0, samples.get(0).getRank());
    assertTrue(samples.get(0).getScore() >= samples.get(1).getScore());
    assertTrue(Files.readString(out.resolve("run.json")).contains("clip"));
  }
}

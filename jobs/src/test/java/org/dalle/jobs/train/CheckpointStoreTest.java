package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir Path dir;

  private static Checkpoint write(CheckpointStore store, long step) throws IOException {
    try (CheckpointWriter writer = store.begin(step)) {
      writer.putText("note.txt", "step " + step);
      return writer.commit(new DataPosition(step / 10, step % 10), 7L, "steps: " + step + "\n");
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writtenCheckpointReadsBack() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    try (NDManager manager = NDManager.newBaseManager();
        CheckpointWriter writer = store.begin(1234)) {
      NDArray weights = manager.create(new float[] {1.5f, -2f, 0.25f});
      weights.setName("layer_weight");
      writer.putArrays(Checkpoint.MODEL, new NDList(weights));
      writer.putJson("plateau.json", new PlateauHalving.State(Double.POSITIVE_INFINITY, 2, 1));
      writer.commit(new DataPosition(3, 96), 42L, "model: tiny\n");
    }

    Checkpoint checkpoint = store.latest().orElseThrow();
    assertEquals(dir.resolve("step-000001234"), checkpoint.dir());
    assertEquals(1234, checkpoint.step());
    assertEquals(new DataPosition(3, 96), checkpoint.data());
    assertEquals(42L, checkpoint.seed());
    assertEquals(CheckpointManifest.RNG_SCHEME, checkpoint.manifest().rng());
    assertEquals("model: tiny\n", checkpoint.readText(Checkpoint.CONFIG));
    assertEquals(
        new PlateauHalving.State(Double.POSITIVE_INFINITY, 2, 1),
        checkpoint.readJson("plateau.json", PlateauHalving.State.class));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDList arrays = checkpoint.readArrays(Checkpoint.MODEL, manager);
      assertEquals("layer_weight", arrays.get(0).getName());
      assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, arrays.get(0).toFloatArray());
    }
    assertEquals(
        List.of(Checkpoint.CONFIG, Checkpoint.MODEL, "plateau.json"),
        List.copyOf(checkpoint.manifest().files().keySet()));
    assertEquals("step-000001234\n", Files.readString(dir.resolve(CheckpointStore.LATEST)));
  }

  @Test
  void partialWriteIsIgnoredAndCleanedUp() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    write(store, 10);
    // A write interrupted before its rename: files but no manifest, in a .tmp directory.
    Path partial = dir.resolve("step-000000020.tmp-123456");
    Files.createDirectories(partial);
    Files.writeString(partial.resolve(Checkpoint.MODEL), "half");
    // A complete-looking name without a manifest is not a checkpoint either.
    Files.createDirectories(dir.resolve("step-000000030"));

    assertEquals(10, store.latest().orElseThrow().step());
    assertFalse(Files.exists(partial));
  }

  @Test
  void uncommittedWriterLeavesNothing() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 3);
    try (CheckpointWriter writer = store.begin(5)) {
      writer.putText("note.txt", "unfinished");
    }
    assertEquals(List.of(), names());
    assertTrue(store.latest().isEmpty());
  }

  @Test
  void keepsTheNewestK() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    for (long step : new long[] {100, 200, 300, 400}) {
      write(store, step);
    }
    assertEquals(List.of(CheckpointStore.LATEST, "step-000000300", "step-000000400"), names());
    assertEquals("step-000000400\n", Files.readString(dir.resolve(CheckpointStore.LATEST)));
    assertEquals(400, store.latest().orElseThrow().step());
  }

  @Test
  void rewritingAStepReplacesIt() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    write(store, 100);
    try (CheckpointWriter writer = store.begin(100)) {
      writer.putText("note.txt", "again");
      writer.commit(DataPosition.start(), 7L, "x: 1\n");
    }
    assertEquals(List.of(CheckpointStore.LATEST, "step-000000100"), names());
    assertEquals("again", store.latest().orElseThrow().readText("note.txt"));
  }

  @Test
  void refusesToWriteBeforeTheNewest() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    write(store, 200);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> store.begin(100));
    assertEquals(
        "checkpoint store "
            + dir
            + " already holds step-000000200, later than step 100;"
            + " resume from the latest checkpoint or write to a new directory",
        e.getMessage());
  }

  @Test
  void damagedCheckpointIsReported() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    Checkpoint checkpoint = write(store, 100);
    Files.writeString(checkpoint.dir().resolve("note.txt"), "truncated?");
    IOException e = assertThrows(IOException.class, store::latest);
    assertEquals(
        "checkpoint "
            + checkpoint.dir()
            + " is damaged: note.txt has 10 bytes, the manifest says 8 bytes",
        e.getMessage());
  }

  @Test
  void rejectsReservedAndOddFileNames() throws IOException {
    CheckpointStore store = new CheckpointStore(dir, 2);
    try (CheckpointWriter writer = store.begin(1)) {
      for (String name : new String[] {Checkpoint.MANIFEST, "../escape", "a/b", ""}) {
        assertThrows(IllegalArgumentException.class, () -> writer.putText(name, "x"));
      }
    }
  }

  @Test
  void readingAMissingFileNamesWhatIsThere() throws IOException {
    Checkpoint checkpoint = write(new CheckpointStore(dir, 1), 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> checkpoint.readText("ema.ndlist"));
    assertEquals(
        "checkpoint "
            + checkpoint.dir()
            + " has no file 'ema.ndlist'; it has [config.yaml, note.txt]",
        e.getMessage());
  }
}

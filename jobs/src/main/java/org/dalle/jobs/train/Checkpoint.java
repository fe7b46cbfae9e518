package org.dalle.jobs.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A complete checkpoint directory, {@code step-000001234/}, as written by {@link CheckpointWriter}.
 * Opening one checks the manifest against the files present.
 *
 * <p>The training jobs use these file names: {@link #MODEL}, {@link #OPTIMIZER} and {@link #EMA}
 * hold encoded {@link NDList}s of named arrays (see {@code org.dalle.models.optim.ParameterArrays},
 * {@code AdamW.save} and {@code Ema.save}), and so does {@link #REDUCER}, the gradient reducer's
 * state of every rank when it keeps one ({@link GradientReducer#checkpointState}: PowerSGD's error
 * feedback and Q); {@link #CONFIG} holds the resolved configuration; job-specific state (e.g. a
 * {@link PlateauHalving.State}) goes into small JSON files. The RNG state is the step and data
 * position in the manifest (see {@link Seeds}).
 */
public final class Checkpoint {

  public static final String MANIFEST = "manifest.json";
  public static final String MODEL = "model.ndlist";
  public static final String OPTIMIZER = "optimizer.ndlist";
  public static final String EMA = "ema.ndlist";
  public static final String REDUCER = "reducer.ndlist";
  public static final String CONFIG = "config.yaml";

  static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path dir;
  private final CheckpointManifest manifest;

  private Checkpoint(Path dir, CheckpointManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  /**
   * Reads the manifest of {@code dir} and checks that every file it lists is there with its size.
   *
   * @throws IOException when the manifest is missing or unreadable, or a file is missing or has
   *     another size
   */
  public static Checkpoint open(Path dir) throws IOException {
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new IOException("not a checkpoint: " + manifestFile + " does not exist");
    }
    CheckpointManifest manifest = JSON.readValue(manifestFile.toFile(), CheckpointManifest.class);
    if (manifest.format() != CheckpointManifest.FORMAT) {
      throw new IOException(
          "checkpoint "
              + dir
              + " has format "
              + manifest.format()
              + ", expected "
              + CheckpointManifest.FORMAT);
    }
    for (Map.Entry<String, Long> file : manifest.files().entrySet()) {
      Path path = dir.resolve(file.getKey());
      long size = Files.isRegularFile(path) ? Files.size(path) : -1;
      if (size != file.getValue()) {
        throw new IOException(
            "checkpoint "
                + dir
                + " is damaged: "
                + file.getKey()
                + (size < 0 ? " is missing" : " has " + size + " bytes")
                + ", the manifest says "
                + file.getValue()
                + " bytes");
      }
    }
    return new Checkpoint(dir, manifest);
  }

  public Path dir() {
    return dir;
  }

  public CheckpointManifest manifest() {
    return manifest;
  }

  public long step() {
    return manifest.step();
  }

  public DataPosition data() {
    return manifest.data();
  }

  public long seed() {
    return manifest.seed();
  }

  /**
   * Checks that this checkpoint was trained with {@code seed}: resuming with another seed would
   * silently continue a different run.
   *
   * @throws IllegalArgumentException naming both seeds and the flag to pass
   */
  public void requireSeed(long seed) {
    if (seed() != seed) {
      throw new IllegalArgumentException(
          "checkpoint "
              + dir()
              + " was trained with seed "
              + seed()
              + ", but this run has seed "
              + seed
              + "; resume with --seed "
              + seed());
    }
  }

  /** Whether the checkpoint holds a file called {@code name}. */
  public boolean has(String name) {
    return manifest.files().containsKey(name);
  }

  /** Opens a file of the checkpoint for reading; the caller closes the stream. */
  public InputStream open(String name) throws IOException {
    return Files.newInputStream(file(name));
  }

  /** Decodes a file written by {@link CheckpointWriter#putArrays}; {@code manager} owns it. */
  public NDList readArrays(String name, NDManager manager) throws IOException {
    try (InputStream in = open(name)) {
      return NDList.decode(manager, in);
    }
  }

  /** Reads a UTF-8 text file, such as {@link #CONFIG}. */
  public String readText(String name) throws IOException {
    return Files.readString(file(name), StandardCharsets.UTF_8);
  }

  /** Reads a file written by {@link CheckpointWriter#putJson}. */
  public <T> T readJson(String name, Class<T> type) throws IOException {
    return JSON.readValue(file(name).toFile(), type);
  }

  private Path file(String name) {
    if (!has(name)) {
      throw new IllegalArgumentException(
          "checkpoint " + dir + " has no file '" + name + "'; it has " + manifest.files().keySet());
    }
    return dir.resolve(name);
  }
}

package org.dalle.jobs.train;

import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fills one checkpoint in a temporary directory ({@code step-000001234.tmp-<random>/}) and, on
 * {@link #commit}, writes the manifest and publishes it with a rename. Closing a writer that was
 * not committed deletes its temporary directory, so a failed write leaves nothing that looks
 * complete.
 *
 * <pre>{@code
 * try (CheckpointWriter writer = store.begin(step)) {
 *   writer.putArrays(Checkpoint.MODEL, ParameterArrays.export(params, scope));
 *   writer.put(Checkpoint.OPTIMIZER, optimizer::save);
 *   writer.put(Checkpoint.EMA, ema::save);
 *   writer.putJson("plateau.json", plateau.state());
 *   writer.commit(position, seed, resolvedConfigYaml);
 * }
 * }</pre>
 */
public final class CheckpointWriter implements AutoCloseable {

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final CheckpointStore store;
  private final long step;
  private final Path tempDir;
  private final Map<String, Long> files = new LinkedHashMap<>();
  private boolean committed;

  CheckpointWriter(CheckpointStore store, long step, Path tempDir) {
    this.store = store;
    this.step = step;
    this.tempDir = tempDir;
  }

  public long step() {
    return step;
  }

  /** Writes a file with what {@code content} writes and forces it to disk. */
  public void put(String name, AtomicFiles.Content content) throws IOException {
    checkOpen();
    if (!FILE_NAME.matcher(name).matches() || name.equals(Checkpoint.MANIFEST)) {
      throw new IllegalArgumentException(
          "checkpoint file name '"
              + name
              + "' is not allowed; expected letters, digits, '.', '_' or '-', not "
              + Checkpoint.MANIFEST);
    }
    if (files.containsKey(name)) {
      throw new IllegalArgumentException("checkpoint file '" + name + "' was already written");
    }
    Path file = tempDir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      content.writeTo(out);
    }
    AtomicFiles.force(file);
    files.put(name, Files.size(file));
  }

  /** Writes an encoded {@link NDList} (names kept), read back by {@link Checkpoint#readArrays}. */
  public void putArrays(String name, NDList arrays) throws IOException {
    put(name, arrays::encode);
  }

  /** Writes UTF-8 text. */
  public void putText(String name, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    put(name, out -> out.write(bytes));
  }

  /** Writes {@code value} as JSON (records work), read back by {@link Checkpoint#readJson}. */
  public void putJson(String name, Object value) throws IOException {
    put(name, out -> Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValue(out, value));
  }

  /**
   * Writes {@link Checkpoint#CONFIG} and the manifest, then publishes the checkpoint: renames the
   * directory to {@code step-NNNNNNNNN}, points {@code latest} at it and drops the oldest beyond
   * the store's retention.
   *
   * @param data where the next update's examples come from
   * @param seed the run's seed
   * @param resolvedConfig the job's configuration after defaults and overrides
   */
  public Checkpoint commit(DataPosition data, long seed, String resolvedConfig) throws IOException {
    putText(Checkpoint.CONFIG, resolvedConfig);
    CheckpointManifest manifest =
        new CheckpointManifest(
            CheckpointManifest.FORMAT,
            step,
            data,
            seed,
            CheckpointManifest.RNG_SCHEME,
            new TreeMap<>(files));
    Path manifestFile = tempDir.resolve(Checkpoint.MANIFEST);
    Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValue(manifestFile.toFile(), manifest);
    AtomicFiles.force(manifestFile);
    AtomicFiles.forceDirectory(tempDir);
    Checkpoint published = store.publish(tempDir, step);
    committed = true;
    return published;
  }

  private void checkOpen() {
    if (committed) {
      throw new IllegalStateException("checkpoint of step " + step + " is already committed");
    }
  }

  /** Deletes the temporary directory unless the checkpoint was committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      AtomicFiles.deleteTree(tempDir);
    }
  }
}

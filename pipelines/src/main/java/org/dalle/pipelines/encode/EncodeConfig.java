package org.dalle.pipelines.encode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the encode job needs. Immutable; {@link #validate()} rejects settings that make no
 * sense together before any work starts.
 *
 * @param data a complete prepare output (its {@code images/*.avro} are read)
 * @param dvae a dVAE export directory ({@code dvae-config.json} + {@code dvae.params}, see {@code
 *     DvaeExport})
 * @param out output directory (local or any Beam file system, e.g. gs://bucket/run/tokens)
 * @param batchSize images encoded per forward pass
 * @param threads PyTorch intra-op threads of the worker JVM, set when the model is loaded; 0 leaves
 *     the engine's setting. The runner already processes one bundle per core in parallel, each with
 *     its own model, so 1 avoids running cores × cores threads; use 0 when the JVM runs other work
 *     (e.g. training in the same process), because the setting is global to the JVM.
 */
public record EncodeConfig(String data, String dvae, String out, int batchSize, int threads)
    implements Serializable {

  /** The documented defaults for {@code batchSize} and {@code threads}. */
  public static EncodeConfig of(String data, String dvae, String out) {
    return new EncodeConfig(data, dvae, out, 32, 1);
  }

  /** Fails with every problem found, each naming the bad value and what was expected. */
  public EncodeConfig validate() {
    List<String> problems = new ArrayList<>();
    if (data == null || data.isBlank()) {
      problems.add("no input: give --data DIR, the output directory of dalle prepare");
    }
    if (dvae == null || dvae.isBlank()) {
      problems.add("no model: give --dvae DIR, a dVAE export directory");
    }
    if (out == null || out.isBlank()) {
      problems.add("no output directory: give --out DIR");
    } else if (stripSlash(out).equals(stripSlash(data == null ? "" : data))) {
      problems.add("--out " + out + " is the input directory; expected a directory of its own");
    }
    if (batchSize < 1 || batchSize > 4096) {
      problems.add("batch_size must be in [1, 4096], got " + batchSize);
    }
    if (threads < 0) {
      problems.add("threads must be >= 0 (0 leaves the engine's setting), got " + threads);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid encode config:\n  - " + String.join("\n  - ", problems));
    }
    return this;
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}

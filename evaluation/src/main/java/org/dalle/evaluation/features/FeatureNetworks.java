package org.dalle.evaluation.features;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.beam.sdk.io.FileSystems;
import org.dalle.evaluation.indomain.EvaluatorNetwork;

/**
 * Opens a {@link FeatureNetwork} from a spec string, so jobs and pipelines take one flag for it:
 *
 * <ul>
 *   <li>{@code torchscript:PATH[@SIZE]} — a TorchScript module ({@link TorchScriptFeatureNetwork}),
 *       inputs resized to SIZE × SIZE (default 299, Inception-v3's). PATH may be local or on any
 *       Beam file system ({@code gs://…}); a remote file is copied to a local temporary file first,
 *       so pipeline workers can load it.
 *   <li>{@code evaluator:DIR} — the export directory of {@code dalle train-evaluator} ({@link
 *       EvaluatorNetwork}), the in-domain network for the synthetic data; its input size comes from
 *       the export. DIR must be local (or on a volume mounted into the workers).
 * </ul>
 */
public final class FeatureNetworks {
  public static final String TORCHSCRIPT = "torchscript";
  public static final String EVALUATOR = "evaluator";

  private static final String FORM =
      "expected torchscript:PATH[@SIZE], e.g. torchscript:/models/pt_inception-2015-12-05.pt@299,"
          + " or evaluator:DIR, the export directory of dalle train-evaluator";

  /**
   * A parsed spec.
   *
   * @param kind the network kind, e.g. {@code torchscript}
   * @param path where its weights are
   * @param inputSize the side images are resized to (0 for an evaluator: its export says)
   */
  public record Spec(String kind, String path, int inputSize) {
    @Override
    public String toString() {
      return inputSize == 0 ? kind + ":" + path : kind + ":" + path + "@" + inputSize;
    }
  }

  private FeatureNetworks() {}

  /**
   * Parses a spec without loading anything, so bad flags fail before a pipeline starts.
   *
   * @throws IllegalArgumentException naming the spec and the expected form
   */
  public static Spec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no feature network given; " + FORM);
    }
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? "" : spec.substring(0, colon);
    if (!kind.equals(TORCHSCRIPT) && !kind.equals(EVALUATOR)) {
      throw new IllegalArgumentException(
          "feature network '" + spec + "' has unknown kind '" + kind + "'; " + FORM);
    }
    String rest = spec.substring(colon + 1);
    if (kind.equals(EVALUATOR)) {
      if (rest.isBlank()) {
        throw new IllegalArgumentException("feature network '" + spec + "' has no path; " + FORM);
      }
      if (rest.contains("://")) {
        throw new IllegalArgumentException(
            "feature network '"
                + spec
                + "': an evaluator export is read from a local directory; copy it to the workers"
                + " (or mount it) and give that path");
      }
      return new Spec(kind, rest, 0);
    }
    int inputSize = InceptionPreprocessing.INCEPTION_SIZE;
    int at = rest.lastIndexOf('@');
    if (at >= 0 && !rest.substring(at + 1).contains("/")) {
      String size = rest.substring(at + 1);
      try {
        inputSize = Integer.parseInt(size);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "feature network '" + spec + "' has input size '" + size + "'; " + FORM, e);
      }
      if (inputSize < 1 || inputSize > 4096) {
        throw new IllegalArgumentException(
            "feature network '" + spec + "' has input size " + inputSize + "; expected 1..4096");
      }
      rest = rest.substring(0, at);
    }
    if (rest.isBlank()) {
      throw new IllegalArgumentException("feature network '" + spec + "' has no path; " + FORM);
    }
    return new Spec(kind, rest, inputSize);
  }

  /**
   * Loads the network a spec names. The caller closes it.
   *
   * @throws IllegalArgumentException for a bad spec or a file that is not such a network
   * @throws IOException when the file cannot be read
   */
  public static FeatureNetwork open(String spec) throws IOException {
    Spec parsed = parse(spec);
    return switch (parsed.kind()) {
      case TORCHSCRIPT ->
          TorchScriptFeatureNetwork.load(localCopy(parsed.path()), parsed.inputSize());
      case EVALUATOR -> EvaluatorNetwork.load(Path.of(parsed.path()));
      default -> throw new IllegalStateException("unhandled feature network kind " + parsed);
    };
  }

  /** The path itself when local; otherwise a temporary local copy, deleted when the JVM exits. */
  private static Path localCopy(String path) throws IOException {
    if (!path.contains("://")) {
      return Path.of(path);
    }
    Path local = Files.createTempFile("feature-network", ".pt");
    local.toFile().deleteOnExit();
    try (InputStream in =
        Channels.newInputStream(
            FileSystems.open(FileSystems.matchSingleFileSpec(path).resourceId()))) {
      Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
    }
    return local;
  }
}

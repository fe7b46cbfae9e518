package org.dalle.jobs.sample;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.dalle.pipelines.prepare.CaptionNormalizer;

/**
 * The two models of sampling, loaded together and checked to fit: the transformer prior with its
 * tokenizer (section 2.2 of the paper) and the dVAE whose codes it models (section 2.1). Owns their
 * native memory: close it. Export directories on a Beam file system ({@code gs://…}) are copied to
 * a local temporary directory first, so Beam workers can load them.
 */
final class SamplerModels implements AutoCloseable {

  private final NDManager manager;
  private final TransformerPrior prior;
  private final BpeTokenizer tokenizer;
  private final DiscreteVae dvae;

  private SamplerModels(
      NDManager manager, TransformerPrior prior, BpeTokenizer tokenizer, DiscreteVae dvae) {
    this.manager = manager;
    this.prior = prior;
    this.tokenizer = tokenizer;
    this.dvae = dvae;
  }

  /**
   * Loads both exports.
   *
   * @throws IllegalArgumentException when the dVAE's grid or vocabulary is not the one the
   *     transformer models
   */
  static SamplerModels open(String transformer, String dvae) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    disableGradients();
    NDManager manager = NDManager.newBaseManager();
    try {
      PriorExport.Loaded prior =
          PriorExport.read(
              local(
                  transformer,
                  List.of(
                      PriorExport.CONFIG_FILE,
                      PriorExport.PARAMS_FILE,
                      PriorExport.TOKENIZER_FILE)),
              manager);
      DiscreteVae vae =
          DvaeExport.read(
              local(dvae, List.of(DvaeExport.CONFIG_FILE, DvaeExport.PARAMS_FILE)), manager);
      checkCompatible(prior.model().config(), vae.config(), transformer, dvae);
      return new SamplerModels(manager, prior.model(), prior.tokenizer(), vae);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * Turns PyTorch's gradient recording off on the calling thread. The engine turns it off only on
   * the thread that starts it, and the mode is per thread: on a Beam worker thread, loading the
   * weights in place failed ("a leaf Variable that requires grad is being used in an in-place
   * operation") and sampling would record an autograd graph. Call it on every thread that loads or
   * samples.
   */
  static void disableGradients() {
    Engine.getEngine("PyTorch");
    JniUtils.setGradMode(false);
  }

  TransformerPrior prior() {
    return prior;
  }

  DiscreteVae dvae() {
    return dvae;
  }

  NDManager manager() {
    return manager;
  }

  /**
   * The caption normalised as the prepare stage does, BPE-encoded and padded to the text length.
   *
   * @throws IllegalArgumentException when nothing is left of the caption after normalisation
   */
  long[] textTokens(String caption) {
    String normalized = CaptionNormalizer.normalize(caption);
    if (normalized.isBlank()) {
      throw new IllegalArgumentException(
          "caption \"" + caption + "\" is empty after normalisation; expected text");
    }
    TransformerConfig shape = prior.config();
    int[] ids =
        TextTokens.pad(tokenizer.encode(normalized), shape.textLength(), tokenizer.vocabSize());
    long[] row = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      row[i] = ids[i];
    }
    return row;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static void checkCompatible(
      TransformerConfig prior, DvaeConfig dvae, String priorPath, String dvaePath) {
    if (dvae.gridSize() != prior.gridSize() || dvae.vocabSize() != prior.imageVocabSize()) {
      throw new IllegalArgumentException(
          String.format(
              "the dVAE in %s has a %dx%d grid of %d codes but the transformer in %s models a"
                  + " %dx%d grid of %d codes; use the dVAE whose tokens the transformer was trained"
                  + " on",
              dvaePath,
              dvae.gridSize(),
              dvae.gridSize(),
              dvae.vocabSize(),
              priorPath,
              prior.gridSize(),
              prior.gridSize(),
              prior.imageVocabSize()));
    }
  }

  /** The export directory as a local path, copying {@code files} from a remote file system. */
  private static Path local(String dir, List<String> files) throws IOException {
    if (!dir.contains("://")) {
      return Path.of(dir);
    }
    Path copy = Files.createTempDirectory("dalle-export-");
    copy.toFile().deleteOnExit();
    String base = dir.endsWith("/") ? dir : dir + "/";
    for (String name : files) {
      MatchResult.Metadata file;
      try {
        file = FileSystems.matchSingleFileSpec(base + name);
      } catch (IOException e) {
        deleteTree(copy);
        throw new IOException("export file " + base + name + " cannot be found", e);
      }
      try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
        Files.copy(in, copy.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
      copy.resolve(name).toFile().deleteOnExit();
    }
    return copy;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

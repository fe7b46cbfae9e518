package org.dalle.jobs.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dalle.jobs.train.TrainingLoop;
import org.dalle.models.clip.ClipExport;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.clip.TorchScriptClipScorer;

/**
 * Opens the reranker of {@code dalle sample --clip PATH}: the contrastive model that scores each
 * candidate image against its caption (section 2.5 of the paper). Both variants of the job open it
 * here — the single-process job once, each Beam worker once in its {@code @Setup} — so this is the
 * one place that knows how a path becomes an {@link ImageTextScorer}.
 */
public final class RerankerLoader {
  /** OpenAI CLIP ViT-B's input side. */
  private static final int OPENAI_IMAGE_SIZE = 224;

  /**
   * Opens a reranker where it is used: serialisable, so a Beam pipeline can carry it to its
   * workers. Tests pass their own.
   */
  @FunctionalInterface
  public interface Factory extends Serializable {
    /** A new reranker; the caller closes it. */
    ImageTextScorer open() throws IOException;
  }

  private RerankerLoader() {}

  /** The factory that opens {@code --clip path} with {@link #open}. */
  public static Factory fromClipPath(String clipPath) {
    return () -> open(clipPath);
  }

  /**
   * The reranker at {@code clipPath}:
   *
   * <ul>
   *   <li>the export directory of {@code dalle train-clip} ({@code clip-config.json}, {@code
   *       clip.params}, {@code tokenizer.json}), or its run directory (the export is read from
   *       {@code export/});
   *   <li>an external TorchScript file ({@code .pt}) with {@code encode_image} / {@code
   *       encode_text}, in OpenAI CLIP's layout (224-pixel inputs, its pixel mean and std, 77
   *       tokens), with the HuggingFace {@code tokenizer.json} of its text encoder beside it.
   * </ul>
   *
   * @throws IllegalArgumentException naming the path and what was expected when it is neither
   */
  public static ImageTextScorer open(String clipPath) throws IOException {
    Path path = Path.of(clipPath);
    if (Files.isDirectory(path)) {
      Path export = ClipExport.isComplete(path) ? path : path.resolve(TrainingLoop.EXPORT_DIR);
      if (!ClipExport.isComplete(export)) {
        throw new IllegalArgumentException(
            "--clip "
                + clipPath
                + " holds no complete contrastive-model export (clip-config.json, clip.params,"
                + " tokenizer.json) and no export/ of one; give the run directory or export of"
                + " dalle train-clip, or a TorchScript .pt file");
      }
      NDManager manager = NDManager.newBaseManager();
      try {
        return new Owning(ClipExport.read(export, manager), manager);
      } catch (IOException | RuntimeException e) {
        manager.close();
        throw e;
      }
    }
    if (Files.isRegularFile(path)) {
      Path tokenizer = path.toAbsolutePath().resolveSibling(ClipExport.TOKENIZER_FILE);
      if (!Files.isRegularFile(tokenizer)) {
        throw new IllegalArgumentException(
            "--clip "
                + clipPath
                + " is a file, read as an external TorchScript CLIP, but there is no "
                + tokenizer
                + "; put the HuggingFace tokenizer.json of its text encoder beside it");
      }
      return TorchScriptClipScorer.load(
          path, tokenizer, TorchScriptClipScorer.Options.openAi(OPENAI_IMAGE_SIZE));
    }
    throw new IllegalArgumentException(
        "--clip " + clipPath + " does not exist; expected a dalle train-clip run or export");
  }

  /** A scorer that also closes the manager its weights live in. */
  private record Owning(ImageTextScorer scorer, NDManager manager) implements ImageTextScorer {
    @Override
    public float[] score(NDArray images, List<String> captions) {
      return scorer.score(images, captions);
    }

    @Override
    public String describe() {
      return scorer.describe();
    }

    @Override
    public void close() {
      try {
        scorer.close();
      } finally {
        manager.close();
      }
    }
  }
}

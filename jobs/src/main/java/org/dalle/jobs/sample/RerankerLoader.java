package org.dalle.jobs.sample;

import java.io.IOException;
import java.io.Serializable;
import org.dalle.models.clip.ImageTextScorer;

/**
 * Opens the reranker of {@code dalle sample --clip PATH}: the contrastive model that scores each
 * candidate image against its caption (section 2.5 of the paper). Both variants of the job open it
 * here — the single-process job once, each Beam worker once in its {@code @Setup} — so this is the
 * one place that knows how a path becomes an {@link ImageTextScorer}.
 */
public final class RerankerLoader {

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
   * The reranker at {@code clipPath}: a checkpoint or export of {@code dalle train-clip}, or an
   * external TorchScript module with {@code encode_image} / {@code encode_text}.
   *
   * @throws IllegalArgumentException until the contrastive model is wired in
   */
  public static ImageTextScorer open(String clipPath) throws IOException {
    throw new IllegalArgumentException(
        "--clip "
            + clipPath
            + ": reranking with a contrastive model is not supported by this build yet (no"
            + " loader for --clip); run without --clip, which keeps every candidate (--keep equal"
            + " to --candidates)");
  }
}

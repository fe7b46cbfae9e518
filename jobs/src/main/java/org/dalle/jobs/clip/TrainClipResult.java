package org.dalle.jobs.clip;

import java.nio.file.Path;
import org.dalle.models.clip.RetrievalAccuracy;

/**
 * What a {@code train-clip} run ended with (see {@link ClipTrainer}).
 *
 * @param step updates done
 * @param finished whether all configured steps are done (false after a stop request)
 * @param exitCode 0, or the stop signal's code
 * @param loss the last update's loss (NaN when this invocation took none)
 * @param accuracy the last batch's in-batch top-1 accuracy, both directions averaged
 * @param temperature the temperature after the last update
 * @param retrieval the held-out retrieval accuracies; null unless {@code finished}
 * @param export the export directory, written when {@code finished}
 */
public record TrainClipResult(
    long step,
    boolean finished,
    int exitCode,
    double loss,
    double accuracy,
    double temperature,
    RetrievalAccuracy retrieval,
    Path export) {}

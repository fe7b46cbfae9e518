package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs stages in order on a {@link StageClock}: each prints its header, is skipped when its outputs
 * are complete (unless the run is fresh), and ends with its wall time. The chain stops at the first
 * stage that does not finish and returns its exit code. With a timings file, every stage time so
 * far is saved there after each stage, so an interrupted run keeps them.
 */
final class StageChain {
  private final StageClock clock;
  private final boolean fresh;
  private final Path timingsFile;
  private StageClock.Timings saved;

  /**
   * @param fresh redo every stage even if its outputs are complete
   * @param timingsFile where the stage times are saved after each stage; null to save none
   */
  StageChain(StageClock clock, boolean fresh, Path timingsFile) {
    this.clock = clock;
    this.fresh = fresh;
    this.timingsFile = timingsFile;
  }

  /** Runs {@code stages} in order; returns 0, or the exit code of the stage that did not finish. */
  int run(Stage... stages) throws Exception {
    for (Stage stage : stages) {
      clock.begin(stage.name(), stage.out());
      Optional<String> complete = fresh ? Optional.empty() : stage.complete();
      if (complete.isPresent()) {
        clock.skip(complete.get());
      } else {
        int exit = stage.run();
        if (exit != 0) {
          return exit;
        }
      }
      clock.end();
      save();
    }
    return 0;
  }

  /** The stage times last saved to the timings file (the clock's, when none is). */
  StageClock.Timings timings() {
    return saved != null ? saved : clock.timings();
  }

  private void save() throws IOException {
    if (timingsFile != null) {
      saved = clock.write(timingsFile);
    }
  }
}

package org.dalle.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dalle.jobs.quickstart.SideProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quickstart's stages that need only the prepared data, the contrastive reranker and the
 * in-domain evaluator, run by {@link QuickstartCommand} in a second process beside the dVAE and the
 * prior ({@link SideProcess}). One engine thread: the two processes share the machine's cores, and
 * one autograd recorder per JVM is all the engine allows.
 */
@Command(
    name = "quickstart-side",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = {
      "Trains the quickstart's contrastive reranker (clip/) and in-domain evaluator (evaluator/) in RUN_DIR from RUN_DIR/data with one engine thread. `dalle quickstart` starts it; run it by hand only to redo those two stages."
    })
public final class QuickstartSideCommand implements Callable<Integer> {
  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      required = true,
      description = "The quickstart's run directory, holding data/ from its prepare stage.")
  Path runDir;

  @Option(names = "--fresh", description = "Retrain both even if their exports are complete.")
  boolean fresh;

  @Override
  public Integer call() throws Exception {
    return SideProcess.runStages(runDir, fresh);
  }
}

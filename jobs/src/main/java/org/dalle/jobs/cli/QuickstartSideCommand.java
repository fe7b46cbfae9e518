package org.dalle.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The quickstart's stages that need only the prepared data, the contrastive reranker and the
 * in-domain evaluator, run by {@link QuickstartCommand} in a second process beside the dVAE and the
 * prior ({@link SideStages}). One engine thread: the two processes share the machine's cores, and
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
    Path data = runDir.resolve("data");
    if (!Files.isDirectory(data)) {
      System.err.println(
          "quickstart-side: " + data + " does not exist; run `dalle quickstart` (it prepares it)");
      return 2;
    }
    CommandSupport.useEngineThreads(1);
    StageClock clock = new StageClock(System.out);
    List<String> args = List.of("quickstart-side", "--run-dir", runDir.toString());
    Path clip = runDir.resolve("clip");
    clock.begin("train-clip", clip);
    int exit = QuickstartEvaluation.trainClip(data, clip, fresh, args, clock);
    if (exit != 0) {
      return exit;
    }
    clock.end();
    Path evaluator = runDir.resolve("evaluator");
    clock.begin("train-evaluator", evaluator);
    exit = QuickstartEvaluation.trainEvaluator(data, evaluator, fresh, args, clock);
    if (exit != 0) {
      return exit;
    }
    clock.end();
    clock.write(runDir.resolve(SideStages.TIMINGS));
    return 0;
  }
}

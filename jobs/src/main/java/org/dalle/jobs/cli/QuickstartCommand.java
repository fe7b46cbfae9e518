package org.dalle.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dalle.jobs.quickstart.Quickstart;
import org.dalle.jobs.quickstart.SideProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dalle quickstart}: parses the flags and runs the chain of stages ({@link Quickstart}) on
 * the embedded synthetic dataset.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    header = "The whole chain on the embedded synthetic data, CPU only.",
    description = {
      "Runs the chain on the embedded synthetic shapes dataset with tiny configs, CPU only: prepare (render, validate, dedup, learn BPE, tokenise), then train the tiny dVAE (about 5 to 6 minutes; its reconstructions.png shows what the codebook keeps, and its reconstruction check measures whether held-out-split scenes keep every object's colour and shape), then encode every image into dVAE tokens, train the tiny transformer prior on them (3 to 4 minutes), train the tiny contrastive reranker (about 5 minutes) and the in-domain evaluator network (about 1.5 minutes) in a second process beside the dVAE, sample 8 candidates for a few captions, including held-out (colour, shape) pairs, ordered by the reranker (samples/grids/*.png), and evaluate reranked and unreranked samples for captions of both splits: FID and IS against blur radius with the evaluator's features and the compositional benchmark, beside the dVAE's reconstruction check (evaluation/report/report.html). Stages whose outputs are complete are skipped; delete a stage's directory (or pass --fresh) to redo it. Each stage's wall time is printed as it ends and in a table at the end, and saved in timings.json in the run directory."
    })
public final class QuickstartCommand implements Callable<Integer> {
  @Option(
      names = "--run-dir",
      paramLabel = "DIR",
      defaultValue = "runs/quickstart",
      description = "Where every stage writes (default: ${DEFAULT-VALUE}).")
  Path runDir;

  @Option(
      names = "--images",
      paramLabel = "N",
      description =
          "Synthetic images to render (default: as in " + Quickstart.PREPARE_CONFIG + ").")
  Integer images;

  @Option(names = "--fresh", description = "Redo every stage even if its outputs are complete.")
  boolean fresh;

  @Option(
      names = "--parallel",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Train the reranker and the evaluator (stages 5 and 6) in a second process, one engine"
              + " thread each, while this one trains the dVAE and the prior (its log: RUN_DIR/"
              + SideProcess.LOG_FILE
              + "). On by default when the machine has 2 or more cores; --no-parallel runs every"
              + " stage in turn in this process with all cores.")
  boolean parallel;

  @Override
  public Integer call() throws Exception {
    return new Quickstart(runDir, images, fresh, parallel, DalleCommand.class.getName()).run();
  }
}

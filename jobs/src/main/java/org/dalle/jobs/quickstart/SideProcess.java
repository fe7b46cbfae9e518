package org.dalle.jobs.quickstart;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.jobs.train.EngineThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart's second process: {@code dalle quickstart-side} started from the same jar and JVM
 * settings, training the reranker and the evaluator ({@link #runStages}) with one engine thread
 * while the first process trains the dVAE and the prior. Two single-threaded processes keep both
 * cores busier than one process with two intra-op threads on these small models, and the engine
 * allows one autograd recorder per JVM, so the second model needs its own process.
 *
 * <p>Its output goes to {@value #LOG_FILE} in the run directory and its stage times to {@value
 * #TIMINGS}. Closing kills it if it still runs (so does this JVM's exit).
 */
public final class SideProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SideProcess.class);

  /** The second process's log, in the run directory. */
  public static final String LOG_FILE = "side.log";

  /** The second process's stage times, in the run directory. */
  public static final String TIMINGS = "side-timings.json";

  private final Process process;
  private final Path log;
  private final Thread killer;

  private SideProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "quickstart-side-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * What {@code dalle quickstart-side} runs in the second process: train-clip and train-evaluator
   * of the run in {@code runDir}, one engine thread, their stage times saved to {@value #TIMINGS}
   * at the end.
   *
   * @return 0, 2 when the run has no prepared data, or the exit code of a stage that did not finish
   */
  public static int runStages(Path runDir, boolean fresh) throws Exception {
    QuickstartRun run =
        new QuickstartRun(
            runDir, fresh, List.of("quickstart-side", "--run-dir", runDir.toString()));
    if (!Files.isDirectory(run.data())) {
      LOG.error(
          "quickstart-side: "
              + run.data()
              + " does not exist; run `dalle quickstart` (it prepares it)");
      return 2;
    }
    EngineThreads.beforeLoad(1);
    StageClock clock = new StageClock();
    QuickstartStages stages = new QuickstartStages(run);
    int exit =
        new StageChain(clock, fresh, null)
            .run(stages.trainClip("train-clip"), stages.trainEvaluator("train-evaluator"));
    if (exit != 0) {
      return exit;
    }
    clock.write(runDir.resolve(TIMINGS));
    return 0;
  }

  /**
   * Starts {@code dalle quickstart-side} for {@code runDir}.
   *
   * @param mainClass the {@code dalle} command's main class
   */
  static SideProcess start(String mainClass, Path runDir, boolean fresh) throws IOException {
    Path log = runDir.resolve(LOG_FILE);
    Process process =
        new ProcessBuilder(command(mainClass, runDir, fresh))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    return new SideProcess(process, log);
  }

  /**
   * The child's command line: this JVM's executable, its heap and system-property settings (not its
   * agents, which may hold a port or a file), the same class path and main class.
   */
  static List<String> command(String mainClass, Path runDir, boolean fresh) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-X") || arg.startsWith("-D")) {
        command.add(arg);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.add("quickstart-side");
    command.add("--run-dir");
    command.add(runDir.toString());
    if (fresh) {
      command.add("--fresh");
    }
    // The child says as much as this process: --quiet or --verbose carry over.
    command.addAll(ConsoleLog.verbosity().flags());
    return command;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Waits for the process to end; returns its exit code. */
  int await() throws InterruptedException {
    return process.waitFor();
  }

  /** The last {@code lines} lines of the log, to show why the process failed. */
  String tail(int lines) throws IOException {
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join(
        System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}

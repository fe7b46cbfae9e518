package org.dalle.jobs.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.logging.ConsoleLog;

/**
 * Runs each step in a new JVM with this one's Java and class path, as a pod runs the image's {@code
 * java -jar dalle.jar ARGS}: a step starts with a fresh engine, its own threads setting and its own
 * signal handlers, and a crash ends the step, not the workflow runner.
 */
public final class JvmStepLauncher implements StepLauncher {
  private final Path workdir;
  private final List<String> jvmOptions;

  /**
   * @param workdir the directory steps run in, the image's {@code /app}: relative paths such as
   *     {@code --config=configs/dvae/paper.yaml} are read from there
   * @param jvmOptions extra options for the step's JVM, e.g. {@code -Xmx4g}
   */
  public JvmStepLauncher(Path workdir, List<String> jvmOptions) {
    this.workdir = workdir;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  @Override
  public int run(List<String> args, Path log) throws IOException, InterruptedException {
    List<String> command = command(args);
    Process process =
        new ProcessBuilder(command)
            .directory(workdir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      // Ctrl-C: the step gets SIGTERM and writes its checkpoint, as a pod would.
      process.destroy();
      process.waitFor();
      throw e;
    }
  }

  /** The step's command line: this JVM's Java and class path, {@code dalle ARGS}. */
  List<String> command(List<String> args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-Dai.djl.offline=true");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DalleCommand.class.getName());
    command.addAll(args);
    // The step says as much as the runner: --quiet or --verbose carry over, unless the step's own
    // arguments choose.
    if (!args.contains("--quiet") && !args.contains("--verbose")) {
      command.addAll(ConsoleLog.verbosity().flags());
    }
    return command;
  }
}

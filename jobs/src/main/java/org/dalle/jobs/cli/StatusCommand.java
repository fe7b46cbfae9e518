package org.dalle.jobs.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.dalle.jobs.submit.ArgoWorkflows;
import org.dalle.jobs.submit.ClusterConnection;
import org.dalle.jobs.submit.ClusterException;
import org.dalle.jobs.submit.RunStatus;
import org.dalle.jobs.submit.RunWatcher;
import org.dalle.jobs.submit.StageJobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dalle status}: where a submitted workflow or job stands. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show a submitted workflow's (or --job's) phase, steps and outputs.",
    sortOptions = false,
    description = {
      "Exit codes: 0 succeeded or still running (with --watch: succeeded), 1 failed, 2 not found or not authorised.",
      ""
    })
public final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The workflow's (or job's) name.")
  String name;

  @Option(names = "--job", description = "NAME is a Job from dalle submit --job.")
  boolean job;

  @Option(names = "--watch", description = "Keep watching until it finishes.")
  boolean watch;

  @Option(
      names = "--poll-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Seconds between status checks with --watch. Default: ${DEFAULT-VALUE}.")
  double pollSeconds;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (pollSeconds < 0) {
      throw new IllegalArgumentException("--poll-interval must be >= 0, got " + pollSeconds);
    }
    try {
      ClusterConnection connection = cluster.connect();
      Supplier<RunStatus> poll =
          job
              ? () -> new StageJobs(connection).status(name)
              : () -> new ArgoWorkflows(connection).status(name);
      RunStatus status;
      if (watch) {
        status = new RunWatcher(Duration.ofMillis(Math.round(pollSeconds * 1000)), out).watch(poll);
      } else {
        status = poll.get();
        out.println(status.headline());
        status.steps().forEach(step -> out.println("  " + step));
      }
      RunWatcher.printOutputs(status, out);
      boolean failed = status.finished() && !status.succeeded();
      return failed || (watch && !status.succeeded()) ? 1 : 0;
    } catch (ClusterException e) {
      spec.commandLine().getErr().println("dalle status: " + e.getMessage());
      return e.exitCode();
    }
  }
}

package org.dalle.jobs.cli;

import java.util.concurrent.Callable;
import org.dalle.jobs.submit.ClusterException;
import org.dalle.jobs.submit.PodLogs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dalle logs}: the logs of a submitted workflow's or job's pods. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    header = "Print the logs of a submitted workflow's (or --job's) pods.",
    sortOptions = false,
    description = {
      "Prints each pod's log under a header naming its step, oldest pod first. Pods of succeeded steps are removed by the workflow's podGC, so failed steps are what usually remains.",
      ""
    })
public final class LogsCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "NAME", description = "The workflow's (or job's) name.")
  String name;

  @Option(names = "--job", description = "NAME is a Job from dalle submit --job.")
  boolean job;

  @Option(
      names = "--step",
      paramLabel = "STEP",
      description = "Only steps whose name contains STEP, e.g. train-dvae.")
  String step;

  @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines of each log.")
  Integer tail;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Override
  public Integer call() {
    if (tail != null && tail < 1) {
      throw new IllegalArgumentException("--tail must be at least 1, got " + tail);
    }
    try {
      new PodLogs(cluster.connect()).print(name, job, step, tail, spec.commandLine().getOut());
      return 0;
    } catch (ClusterException e) {
      spec.commandLine().getErr().println("dalle logs: " + e.getMessage());
      return e.exitCode();
    }
  }
}

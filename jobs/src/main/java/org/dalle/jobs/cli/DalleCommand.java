package org.dalle.jobs.cli;

import java.io.IOException;
import org.dalle.jobs.logging.ConsoleLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dalle} command: parses the command line and dispatches to one job per subcommand. */
@Command(
    name = "dalle",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "DALL·E (Ramesh et al. 2021) as batch jobs: prepare data, train the dVAE and the transformer, sample with reranking, evaluate. Each subcommand is one job; run `dalle <job> --help`."
    },
    subcommands = {
      QuickstartCommand.class,
      QuickstartSideCommand.class,
      PrepareCommand.class,
      TrainDvaeCommand.class,
      EncodeCommand.class,
      TrainTransformerCommand.class,
      TrainClipCommand.class,
      SampleCommand.class,
      TrainEvaluatorCommand.class,
      FidCommand.class,
      EvalCaptionsCommand.class,
      EvalFeaturesCommand.class,
      EvaluateCommand.class,
      RerankCurveCommand.class,
      PlanClusterCommand.class,
      SubmitCommand.class,
      WorkflowCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Start here:  dalle quickstart        (the whole chain on the embedded synthetic data, CPU only)"
    })
public final class DalleCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin LoggingOptions logging;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DalleCommand());
    cli.setUsageHelpAutoWidth(true);
    cli.setUsageHelpLongOptionsMaxWidth(32);
    cli.setExecutionStrategy(
        parsed -> {
          // Set on every run, so an in-process run never inherits the previous one's --quiet.
          ConsoleLog.setVerbosity(LoggingOptions.verbosity(parsed));
          return new CommandLine.RunLast().execute(parsed);
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Configuration and input problems are the user's to fix: show the message, not a trace.
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            commandLine
                .getErr()
                .println("dalle " + commandLine.getCommandName() + ": " + e.getMessage());
            return 2;
          }
          if (e instanceof org.apache.beam.sdk.Pipeline.PipelineExecutionException) {
            // A worker failed: the root cause says what (a missing input, an unreadable file).
            Throwable cause = e;
            while (cause.getCause() != null) {
              cause = cause.getCause();
            }
            commandLine
                .getErr()
                .println(
                    "dalle "
                        + commandLine.getCommandName()
                        + ": the pipeline failed and wrote no output: "
                        + cause);
            return 1;
          }
          throw e;
        });
    return cli;
  }

  /**
   * The validated config a {@code dalle} command line would run with, without running it: the
   * arguments are parsed as {@link #main} would, then the job's config is resolved and validated.
   *
   * @throws CommandLine.ParameterException when the parser rejects the arguments
   * @throws IllegalArgumentException when the config is invalid, or the command has none
   */
  public static Object resolveConfig(String... args) throws IOException {
    CommandLine.ParseResult parsed = commandLine().parseArgs(args);
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    Object command = parsed.commandSpec().userObject();
    if (!(command instanceof ConfiguredJob job)) {
      throw new IllegalArgumentException(
          "dalle " + parsed.commandSpec().qualifiedName(" ") + " is not a job with a config");
    }
    return job.jobConfig();
  }

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.exit(commandLine().execute(args));
  }
}

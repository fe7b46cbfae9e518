package org.dalle.jobs.cli;

import static picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER_HEADING;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dalle.jobs.logging.ConsoleLog;
import org.dalle.pipelines.options.PipelineArgs;
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
  private static final String BEAM_OPTIONS_SECTION = "beamOptions";

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
    for (CommandLine job : cli.getSubcommands().values()) {
      if (job.getCommandSpec().mixins().containsKey(RunnerOptions.MIXIN)) {
        // The Beam options are not picocli's options: a section of their own says what they are.
        List<String> sections = new ArrayList<>(job.getHelpSectionKeys());
        sections.add(sections.indexOf(SECTION_KEY_FOOTER_HEADING), BEAM_OPTIONS_SECTION);
        job.setHelpSectionKeys(sections);
        job.getHelpSectionMap().put(BEAM_OPTIONS_SECTION, help -> RunnerOptions.usageSection());
      }
    }
    cli.setExecutionStrategy(
        parsed -> {
          // Set on every run, so an in-process run never inherits the previous one's --quiet.
          ConsoleLog.setVerbosity(LoggingOptions.verbosity(parsed));
          CommandLine.ParseResult job = parsed;
          while (job.hasSubcommand()) {
            job = job.subcommand();
          }
          String beamHelp = beamHelpInterface(job);
          if (beamHelp != null) {
            return printBeamHelp(job.commandSpec().commandLine(), beamHelp);
          }
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

  /** The INTERFACE of a pipeline command's {@code --help=INTERFACE}; null if not asked for. */
  private static String beamHelpInterface(CommandLine.ParseResult job) {
    CommandLine.Model.CommandSpec mixin = job.commandSpec().mixins().get(RunnerOptions.MIXIN);
    return mixin == null ? null : ((RunnerOptions) mixin.userObject()).helpInterface;
  }

  /** Beam's own help of an options interface, as Beam's {@code --help=INTERFACE} prints it. */
  private static int printBeamHelp(CommandLine cli, String options) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
      PipelineArgs.printHelp(out, options);
    } catch (IllegalArgumentException e) {
      cli.getErr().println("dalle " + cli.getCommandName() + ": " + e.getMessage());
      cli.getErr().flush();
      return 2;
    }
    cli.getOut().print(text.toString(StandardCharsets.UTF_8));
    cli.getOut().flush();
    return 0;
  }

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.exit(commandLine().execute(args));
  }
}

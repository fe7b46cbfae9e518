package org.dalle.jobs.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * The main class of the Dataflow Flex Template launcher images ({@code
 * k8s/images/flex-template.Dockerfile}, {@code FLEX_TEMPLATE_JAVA_MAIN_CLASS}). When a job is
 * launched from a template, the launcher calls it with one {@code --name=value} per template
 * parameter and Beam's own options; the image's {@value #PIPELINE_ENV} names the pipeline. It runs
 * {@code dalle <pipeline>} with the flags those stand for ({@link FlexTemplateArgs}): the command
 * checks its config and inputs, writes the job's template (the launcher's {@code
 * --templateLocation}) and exits; the job commits its own output when it finishes.
 */
public final class FlexTemplateMain {
  /** The environment variable that names the pipeline of a launcher image. */
  public static final String PIPELINE_ENV = "DALLE_FLEX_TEMPLATE";

  private FlexTemplateMain() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", "true");
    System.exit(run(System.getenv(PIPELINE_ENV), List.of(args), DalleCommand.commandLine()));
  }

  /**
   * Runs {@code pipeline} for the launcher's {@code args} with {@code cli}; returns its exit code,
   * or 2 (the CLI's "bad flags or config") for a missing pipeline or a malformed argument.
   */
  static int run(String pipeline, List<String> args, CommandLine cli) {
    PrintWriter err = cli.getErr();
    if (pipeline == null || pipeline.isBlank()) {
      err.println(
          "dalle Flex Template: "
              + PIPELINE_ENV
              + " is not set; the launcher image names its pipeline, one of "
              + FlexTemplateArgs.PIPELINES);
      err.flush();
      return 2;
    }
    List<String> command;
    try {
      command = FlexTemplateArgs.toCli(pipeline, args);
    } catch (IllegalArgumentException e) {
      err.println("dalle Flex Template: " + e.getMessage());
      err.flush();
      return 2;
    }
    cli.getOut().println("dalle " + String.join(" ", command));
    cli.getOut().flush();
    return cli.execute(command.toArray(String[]::new));
  }
}

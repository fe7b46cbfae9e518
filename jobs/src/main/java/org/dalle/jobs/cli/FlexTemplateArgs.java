package org.dalle.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code dalle} command line a Dataflow Flex Template launch stands for. The launcher calls the
 * template's main class with one {@code --name=value} per template parameter (named in {@code
 * k8s/flex-templates/<pipeline>/metadata.json}, the camelCase form of the command's flag) and
 * Beam's own options ({@code --runner}, {@code --project}, {@code --region}, {@code
 * --tempLocation}, {@code --stagingLocation}, {@code --jobName}, {@code --templateLocation}, …). A
 * name whose kebab-case form is one of the command's own flags becomes that flag; every other
 * option is Beam's and stays as the launcher wrote it, for Beam's parser ({@link RunnerOptions}).
 */
public final class FlexTemplateArgs {
  /** The pipelines that have a Flex Template: the Beam commands of the CLI. */
  public static final Set<String> PIPELINES = Set.of("prepare", "encode", "eval-features");

  private FlexTemplateArgs() {}

  /**
   * The arguments of {@code dalle <pipeline>} for the launcher's {@code launcherArgs}.
   *
   * @throws IllegalArgumentException for a pipeline without a template or an argument not of the
   *     form {@code --name=value}
   */
  public static List<String> toCli(String pipeline, List<String> launcherArgs) {
    CommandSpec spec = commandSpec(pipeline);
    List<String> cli = new ArrayList<>();
    cli.add(pipeline);
    for (String arg : launcherArgs) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException(
            "Flex Template launcher argument " + arg + " is not --name=value");
      }
      String name = arg.substring(2, eq);
      String value = arg.substring(eq + 1);
      OptionSpec option = spec.findOption("--" + kebabCase(name));
      if (option == null || isRunnerOption(spec, option)) {
        cli.add(arg);
      } else if (option.arity().max == 0) {
        // A switch: the template parameter is true or false; false is the flag left out.
        if (Boolean.parseBoolean(value)) {
          cli.add(option.longestName());
        } else if (!value.equals("false")) {
          throw new IllegalArgumentException(
              "template parameter " + name + " is " + value + "; expected true or false");
        }
      } else {
        cli.add(option.longestName() + "=" + value);
      }
    }
    return cli;
  }

  /**
   * Whether {@code option} is one of the flags every pipeline command shares ({@link
   * RunnerOptions}): help, and the CLI's old names of Beam's options, which a launch leaves to
   * Beam.
   */
  public static boolean isRunnerOption(CommandSpec spec, OptionSpec option) {
    return spec.mixins().get(RunnerOptions.MIXIN).options().contains(option);
  }

  /** {@code imageSize} → {@code image-size}: a template parameter's name as the CLI spells it. */
  public static String kebabCase(String camelCase) {
    StringBuilder out = new StringBuilder();
    for (char c : camelCase.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('-').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The command's parser, for those that check template parameters against its flags. */
  public static CommandSpec commandSpec(String pipeline) {
    if (!PIPELINES.contains(pipeline)) {
      throw new IllegalArgumentException(
          "no Flex Template for dalle " + pipeline + "; expected one of " + PIPELINES);
    }
    return DalleCommand.commandLine().getSubcommands().get(pipeline).getCommandSpec();
  }
}

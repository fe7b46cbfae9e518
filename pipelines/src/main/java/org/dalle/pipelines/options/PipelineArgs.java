package org.dalle.pipelines.options;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The Beam half of a dalle command line, read by Beam's own {@link PipelineOptionsFactory} into
 * {@link DallePipelineOptions} with the names and syntax Beam documents ({@code --tempLocation=…},
 * {@code --maxNumWorkers=…}): any option of Beam or of a runner in the jar. A value may also follow
 * its option as the next word, as the CLI's own flags allow. A mistake fails with a message that
 * names the option and what was expected: an unknown option, an option or a runner of a runner the
 * jar was built without (with the Maven profile that adds it), a value of the wrong type.
 */
public final class PipelineArgs {
  private static final Pattern MISSING_PROPERTY =
      Pattern.compile("missing a property named '([^']+)'\\.(?: Did you mean (.+)\\?)?");

  private static final Pattern UNKNOWN_RUNNER = Pattern.compile("Unknown 'runner' specified");

  static {
    PipelineOptionsFactory.register(DallePipelineOptions.class);
  }

  private PipelineArgs() {}

  /**
   * The pipeline options {@code args} stand for, validated as Beam validates them.
   *
   * @throws IllegalArgumentException naming the option that Beam refuses and what it expects
   */
  public static DallePipelineOptions parse(List<String> args) {
    List<String> flags = joinValues(args);
    for (String flag : flags) {
      if (flag.startsWith("--runner=")) {
        Runner.requireBuilt(flag.substring("--runner=".length()));
      }
    }
    try {
      return asOptions(flags);
    } catch (IllegalArgumentException e) {
      throw explain(flags, e);
    }
  }

  /**
   * {@code --name value} pairs as {@code --name=value}, the form Beam reads.
   *
   * @throws IllegalArgumentException for a word that is neither an option nor an option's value
   */
  public static List<String> joinValues(List<String> args) {
    List<String> flags = new ArrayList<>();
    boolean awaitsValue = false;
    for (String arg : args) {
      if (arg.startsWith("--")) {
        flags.add(arg);
        awaitsValue = !arg.contains("=");
      } else if (awaitsValue) {
        flags.set(flags.size() - 1, flags.get(flags.size() - 1) + "=" + arg);
        awaitsValue = false;
      } else {
        throw new IllegalArgumentException(
            "unexpected argument '"
                + arg
                + "': expected a flag of the job or a Beam pipeline option, --name=value");
      }
    }
    return flags;
  }

  /**
   * Prints Beam's description of every option of the options interface named {@code name} (a simple
   * or a fully qualified name), as Beam's own {@code --help=NAME} does.
   *
   * @throws IllegalArgumentException when the jar has no such interface, naming those it has
   */
  public static void printHelp(PrintStream out, String name) {
    TreeSet<String> known = new TreeSet<>();
    for (Class<? extends PipelineOptions> options : PipelineOptionsFactory.getRegisteredOptions()) {
      if (options.getSimpleName().equals(name) || options.getName().equals(name)) {
        PipelineOptionsFactory.printHelp(out, options);
        return;
      }
      known.add(options.getSimpleName());
    }
    throw new IllegalArgumentException(
        "--help="
            + name
            + ": this jar has no pipeline options interface of that name; expected one of "
            + known
            + missingRunnersNote());
  }

  private static DallePipelineOptions asOptions(List<String> flags) {
    return PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new))
        .withValidation()
        .as(DallePipelineOptions.class);
  }

  /** Beam's refusal, said in terms of the option the user wrote. */
  private static IllegalArgumentException explain(List<String> flags, IllegalArgumentException e) {
    String message = String.valueOf(e.getMessage());
    Matcher missing = MISSING_PROPERTY.matcher(message);
    if (missing.find()) {
      String name = missing.group(1);
      Optional<Runner> owner = Runner.unbuiltOwnerOf(name);
      if (owner.isPresent()) {
        return new IllegalArgumentException(
            "--"
                + name
                + " is an option of the "
                + owner.get().simpleName()
                + ", which this jar was built without; "
                + owner.get().buildHint(),
            e);
      }
      return new IllegalArgumentException(
          "unknown option --"
              + name
              + (missing.group(2) == null
                  ? ""
                  : " (did you mean " + flagNames(missing.group(2)) + "?)")
              + ": expected a flag of the job (--help lists them) or an option of Beam or of a"
              + " runner in this jar, "
              + Runner.built()
              + " (--help=INTERFACE lists an options interface's, e.g. --help="
              + DallePipelineOptions.class.getSimpleName()
              + ")"
              + missingRunnersNote(),
          e);
    }
    if (UNKNOWN_RUNNER.matcher(message).find()) {
      return new IllegalArgumentException(
          message + "; this jar holds " + Runner.built() + missingRunnersNote(), e);
    }
    // Beam's other messages (a value of the wrong type) do not say which option: find it.
    for (String flag : flags) {
      try {
        asOptions(List.of(flag));
      } catch (IllegalArgumentException alone) {
        return new IllegalArgumentException(flag + ": " + firstLine(alone.getMessage()), e);
      }
    }
    return new IllegalArgumentException(
        "Beam refuses the pipeline options " + flags + ": " + firstLine(message), e);
  }

  /** The runners this jar lacks, with their Maven profiles; empty when it holds all. */
  private static String missingRunnersNote() {
    List<String> missing = Runner.missing();
    return missing.isEmpty()
        ? ""
        : "; the other runners need a jar built with their Maven profile: " + missing;
  }

  /** Beam's suggestions, {@code 'a'} or {@code one of [a, b]}, as flags: {@code --a or --b}. */
  private static String flagNames(String suggestions) {
    String names =
        suggestions.startsWith("one of [")
            ? suggestions.substring("one of [".length(), suggestions.length() - 1)
            : suggestions.replace("'", "");
    return "--" + String.join(" or --", names.split(", "));
  }

  private static String firstLine(String message) {
    String text = String.valueOf(message);
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}

package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainEvaluatorCommandTest {
  @Test
  void helpExplainsEveryFlag() {
    CommandLine cli = DalleCommand.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("train-evaluator", "--help"));
    String help = out.toString();
    CommandLine command = cli.getSubcommands().get("train-evaluator");
    for (CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
      assertTrue(option.description().length > 0, option.longestName() + " has no description");
      assertTrue(help.contains(option.longestName()), option.longestName());
    }
    for (String word : List.of("colour", "validation_fraction", "export/", "evaluation.json")) {
      assertTrue(help.contains(word), word);
    }
  }

  /** The tiny config from the module directory (Maven's) or the repository root (an IDE's). */
  private static Path config() {
    Path here = Path.of("configs/evaluator/tiny.yaml");
    return Files.exists(here) ? here : Path.of("..").resolve(here);
  }

  @Test
  void flagsOverrideTheConfigFile() {
    TrainEvaluatorCommand command = new TrainEvaluatorCommand();
    new CommandLine(command)
        .parseArgs(
            "--config",
            config().toString(),
            "--data",
            "d",
            "--out",
            "o",
            "--steps",
            "12",
            "--validation-fraction",
            "0.2",
            "--lr",
            "0.01");
    var config = command.resolveConfig();
    assertEquals(12, config.training().steps());
    assertEquals(0.2, config.validationFraction());
    assertEquals(0.01, config.learningRate());
    assertEquals(32, config.model().imageSize());
  }
}

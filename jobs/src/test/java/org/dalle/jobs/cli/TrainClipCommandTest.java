package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.dalle.jobs.clip.TrainClipConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class TrainClipCommandTest {

  @Test
  void flagsOverrideTheConfigFile() {
    CommandLine cli = DalleCommand.commandLine();
    CommandLine.ParseResult parsed =
        cli.parseArgs(
            "train-clip",
            "--config",
            "../configs/clip/tiny.yaml",
            "--data",
            "runs/x/data",
            "--out",
            "runs/x/clip",
            "--steps",
            "120",
            "--validation-images",
            "64");
    TrainClipCommand command = (TrainClipCommand) parsed.subcommand().commandSpec().userObject();
    TrainClipConfig config = command.resolveConfig();
    assertEquals("runs/x/data", config.data());
    assertEquals(120, config.training().steps());
    assertEquals(64, config.validationImages());
    assertEquals(64, config.training().batchSize()); // from tiny.yaml
    assertEquals(0.2, config.optimizer().weightDecay());
  }

  @Test
  void helpDescribesEveryFlag() {
    CommandLine sub = DalleCommand.commandLine().getSubcommands().get("train-clip");
    for (OptionSpec option : sub.getCommandSpec().options()) {
      assertTrue(
          option.description().length > 0 && !option.description()[0].isBlank(),
          option.longestName() + " has no description");
    }
    StringWriter help = new StringWriter();
    sub.usage(new PrintWriter(help));
    assertTrue(help.toString().contains("retrieval.json"), help.toString());
  }
}

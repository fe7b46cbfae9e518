package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code dalle submit --help} names every WorkflowTemplate that the manifests install. */
class SubmitCommandHelpTest {
  private static final Path WORKFLOWS = Path.of("..", "k8s", "base", "workflows");
  private static final Pattern NAME = Pattern.compile("(?m)^  name: (\\S+)$");

  @Test
  void theTemplateOptionNamesEveryInstalledWorkflowTemplate() throws IOException {
    List<String> templates = new ArrayList<>();
    try (Stream<Path> files = Files.list(WORKFLOWS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        String text = Files.readString(file);
        if (!text.contains("kind: WorkflowTemplate")) {
          continue;
        }
        Matcher name = NAME.matcher(text);
        assertTrue(name.find(), "no metadata.name in " + file);
        templates.add(name.group(1));
      }
    }
    assertFalse(templates.isEmpty(), "no WorkflowTemplate under " + WORKFLOWS.toAbsolutePath());
    CommandLine submit = DalleCommand.commandLine().getSubcommands().get("submit");
    String description =
        String.join(" ", submit.getCommandSpec().findOption("--template").description());
    for (String template : templates) {
      assertTrue(
          description.contains(template),
          "--template's help does not name " + template + ": " + description);
    }
  }
}

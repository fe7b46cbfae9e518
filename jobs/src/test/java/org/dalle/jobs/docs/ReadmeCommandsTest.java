package org.dalle.jobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.DalleCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of {@code README.md} and {@code docs/*.md} is checked here (or, for the few that
 * need a cloud or a cluster, named with the reason it is not), so the documentation cannot go
 * stale: a renamed flag, a config file that moved, a script that was deleted or a stage shown out
 * of order breaks the build. What each kind of command gets is said in {@link DocCommandCheck}.
 * Besides the commands: every Markdown link and anchor between the documents resolves, every {@code
 * dalle JOB --flag} quoted in the prose names a flag the job has, and every {@code DALLE_*}
 * variable the documents name is read somewhere.
 */
class ReadmeCommandsTest {
  static final Path REPO = Path.of("").toAbsolutePath().getParent();

  /** The stages as the README shows them, in pipeline order. */
  static final List<String> PIPELINE =
      List.of(
          "prepare",
          "train-dvae",
          "encode",
          "train-transformer",
          "train-clip",
          "sample",
          "evaluate");

  /** Subcommands no user runs by hand, so no document needs to show them. */
  static final Set<String> INTERNAL = Set.of("help", "quickstart-side");

  @TempDir static Path scratch;

  /** README.md, then docs/*.md in name order: path relative to the repository → text. */
  static Map<String, String> documents() {
    Map<String, String> docs = new LinkedHashMap<>();
    try {
      docs.put("README.md", Files.readString(REPO.resolve("README.md")));
      try (Stream<Path> files = Files.list(REPO.resolve("docs"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
          docs.put("docs/" + file.getFileName(), Files.readString(file));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static List<DocCommand> commands() {
    List<DocCommand> commands = new ArrayList<>();
    documents().forEach((file, text) -> commands.addAll(DocCommands.inMarkdown(file, text)));
    return commands;
  }

  @TestFactory
  Stream<DynamicTest> everyCommandIsCheckedOrSaysWhyNot() {
    DocCommandCheck check = new DocCommandCheck(REPO, scratch);
    return commands().stream()
        .map(
            command ->
                DynamicTest.dynamicTest(
                    command.toString(),
                    () -> {
                      DocCommandCheck.Verdict verdict = check.check(command);
                      Assumptions.assumeTrue(
                          verdict.checked(), command + ": not checked here: " + verdict.what());
                    }));
  }

  @Test
  void theReadmeShowsTheStagesInPipelineOrder() {
    List<String> order = new ArrayList<>();
    for (DocCommand command : DocCommands.inMarkdown("README.md", documents().get("README.md"))) {
      if (command.program().endsWith("dalle") && !command.args().isEmpty()) {
        String job = command.args().get(0);
        if (PIPELINE.contains(job) && !order.contains(job)) {
          order.add(job);
        }
      }
    }
    assertEquals(PIPELINE, order, "the README's first command of each stage, in order");
  }

  @Test
  void everyJobOfTheCliHasADocumentedCommand() {
    Set<String> shown = new TreeSet<>();
    for (DocCommand command : commands()) {
      if (command.program().endsWith("dalle") && !command.args().isEmpty()) {
        shown.add(command.args().get(0));
      }
    }
    Set<String> missing = new TreeSet<>(DalleCommand.commandLine().getSubcommands().keySet());
    missing.removeAll(shown);
    missing.removeAll(INTERNAL);
    assertTrue(missing.isEmpty(), "no document shows a command of dalle " + missing);
  }

  @Test
  void noCommandHidesInABlockThatIsNotChecked() {
    Pattern command = Pattern.compile("^\\s*(\\$ )?(\\./dalle|dalle|\\./mvnw|python3) ");
    documents()
        .forEach(
            (file, text) -> {
              for (DocCommands.Block block : DocCommands.blocks(text)) {
                if (DocCommands.SHELL.contains(block.language())) {
                  continue;
                }
                for (int i = 0; i < block.lines().size(); i++) {
                  assertTrue(
                      !command.matcher(block.lines().get(i)).find(),
                      file
                          + ":"
                          + (block.firstLine() + i)
                          + ": a command in a block not tagged bash, which no test checks: "
                          + block.lines().get(i));
                }
              }
            });
  }

  @Test
  void everyFlagQuotedInTheProseExists() {
    List<String> problems = new ArrayList<>();
    documents().forEach((file, text) -> problems.addAll(DocProse.unknownFlags(file, text)));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyLinkBetweenTheDocumentsResolves() {
    List<String> problems = new ArrayList<>();
    documents().forEach((file, text) -> problems.addAll(DocProse.brokenLinks(REPO, file, text)));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everySourcePathTheDocumentsCiteExists() {
    List<String> problems = new ArrayList<>();
    documents().forEach((file, text) -> problems.addAll(DocProse.missingPaths(REPO, file, text)));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyEnvironmentVariableTheDocumentsNameIsRead() throws IOException {
    Set<String> named = new LinkedHashSet<>();
    Pattern variable = Pattern.compile("\\bDALLE_[A-Z0-9_]+");
    documents()
        .values()
        .forEach(
            text -> {
              Matcher m = variable.matcher(text);
              while (m.find()) {
                named.add(m.group());
              }
            });
    StringBuilder sources = new StringBuilder();
    try (Stream<Path> files = Files.walk(REPO)) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> !REPO.relativize(f).toString().matches("(runs|target|\\.git)(/.*)?"))
              .filter(f -> !f.toString().contains("/target/"))
              .filter(f -> !f.toString().contains("node_modules"))
              .filter(f -> f.toString().matches(".*\\.(java|sh|yaml|Dockerfile)$") || isScript(f))
              .toList()) {
        sources.append(Files.readString(file));
      }
    }
    for (String name : named) {
      if (sources.indexOf(name) < 0) {
        fail("the documents name " + name + ", which no source file reads");
      }
    }
  }

  @Test
  void everyDocumentTheSourcesPointToExists() throws IOException {
    Pattern document = Pattern.compile("\\bdocs/[A-Za-z0-9_-]+\\.md\\b");
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.walk(REPO)) {
      for (Path file :
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.toString().matches(".*/src/main/.*\\.java$|.*\\.ya?ml$"))
              .filter(f -> !REPO.relativize(f).toString().matches("(runs|target|\\.git)(/.*)?"))
              .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("node_"))
              .toList()) {
        Matcher m = document.matcher(Files.readString(file));
        while (m.find()) {
          if (!Files.isRegularFile(REPO.resolve(m.group()))) {
            problems.add(REPO.relativize(file) + " points to " + m.group() + ", which is gone");
          }
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static boolean isScript(Path file) {
    return file.getFileName().toString().equals("dalle") || file.toString().endsWith("/.ci/run");
  }
}

package org.dalle.jobs.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extractor and the checks of {@link ReadmeCommandsTest}, on small documents written here. */
class DocCommandsTest {
  @TempDir Path scratch;

  private DocCommandCheck check() {
    return new DocCommandCheck(ReadmeCommandsTest.REPO, scratch);
  }

  private static DocCommand command(String line) {
    List<DocCommand> commands = DocCommands.inShell("test.md", 1, List.of(line));
    assertEquals(1, commands.size(), commands.toString());
    return commands.get(0);
  }

  private static String failure(DocCommandCheck check, String line) {
    return assertThrows(AssertionError.class, () -> check.check(command(line))).getMessage();
  }

  @Test
  void extractsTheCommandsOfShellBlocksOnly() {
    String markdown =
        String.join(
            "\n",
            "# Title",
            "",
            "```bash",
            "./dalle encode --data runs/d \\",
            "    --dvae 'runs/my dvae/export' --out \"runs/t\"   # a comment",
            "# a whole-line comment",
            "(cd k8s/validate && npm ci) ; X=1 ./mvnw -B verify | tail > log.txt",
            "```",
            "",
            "```python",
            "./dalle never --looked-at",
            "```",
            "~~~sh",
            "./dalle quickstart",
            "~~~");
    List<DocCommand> commands = DocCommands.inMarkdown("test.md", markdown);

    assertEquals(6, commands.size(), commands.toString());
    DocCommand encode = commands.get(0);
    assertEquals(4, encode.line());
    assertEquals(
        List.of(
            "./dalle",
            "encode",
            "--data",
            "runs/d",
            "--dvae",
            "runs/my dvae/export",
            "--out",
            "runs/t"),
        encode.words());
    assertEquals(List.of("cd", "k8s/validate"), commands.get(1).words());
    assertEquals("k8s/validate", commands.get(2).dir());
    assertEquals(List.of("npm", "ci"), commands.get(2).words());
    DocCommand maven = commands.get(3);
    assertEquals("", maven.dir(), "the cd ended with its subshell");
    assertEquals(Map.of("X", "1"), maven.env());
    assertEquals(List.of("./mvnw", "-B", "verify"), maven.words());
    assertEquals(List.of("tail"), commands.get(4).words(), "the redirection is not an argument");
    assertEquals(List.of("./dalle", "quickstart"), commands.get(5).words());
    assertEquals(14, commands.get(5).line());
  }

  @Test
  void refusesWhatOnlyAShellCouldExpand() {
    for (String line :
        List.of(
            "./dalle submit --manifests <(kubectl kustomize k8s/overlays/cpu)",
            "./dalle fid $(ls runs) b.npz",
            "./dalle fid `ls runs` b.npz",
            "./dalle sample --caption 'unclosed")) {
      assertThrows(
          IllegalArgumentException.class,
          () -> DocCommands.inShell("test.md", 1, List.of(line)),
          line);
    }
  }

  @Test
  void acceptsACommandTheCliResolves() {
    DocCommandCheck.Verdict verdict =
        check()
            .check(
                command(
                    "./dalle train-dvae --config configs/dvae/tiny.yaml --data runs/d"
                        + " --out runs/dvae --steps 10"));
    assertTrue(verdict.checked());
    assertTrue(verdict.what().contains("resolved"), verdict.what());
  }

  @Test
  void failsOnAFlagTheCliDoesNotHave() {
    String message =
        failure(check(), "./dalle train-dvae --data runs/d --out runs/x --no-such-flag 3");
    assertTrue(message.contains("--no-such-flag"), message);
  }

  @Test
  void failsOnAJobTheCliDoesNotHave() {
    String message = failure(check(), "./dalle plan-everything --out runs/x");
    assertTrue(message.contains("plan-everything"), message);
  }

  @Test
  void failsOnAConfigFileThatDoesNotExist() {
    String message =
        failure(
            check(),
            "./dalle train-dvae --config configs/dvae/huge.yaml --data runs/d --out runs/x");
    assertTrue(message.contains("configs/dvae/huge.yaml"), message);
  }

  @Test
  void failsOnAnInvalidConfig() {
    String message =
        failure(
            check(),
            "./dalle sample --transformer runs/t --dvae runs/d --caption a --keep 4"
                + " --candidates 2 --out runs/s");
    assertTrue(message.contains("would refuse it"), message);
  }

  @Test
  void failsOnAnElidedCommand() {
    String message = failure(check(), "./dalle sample ... --keep 4");
    assertTrue(message.contains("whole command"), message);
  }

  @Test
  void failsOnAWorkflowParameterTheTemplateDoesNotDeclare() {
    String message =
        failure(
            check(),
            "./dalle workflow run k8s/base/workflows/training.yaml -p run-name=v1 -p colour=red");
    assertTrue(message.contains("colour"), message);
  }

  @Test
  void failsOnMissingFilesOfOtherPrograms() {
    DocCommandCheck check = check();
    assertTrue(failure(check, "python3 scripts/no_such_script.py x").contains("no_such_script"));
    assertTrue(failure(check, "./mvnw -B -pl nosuchmodule test").contains("nosuchmodule"));
    assertTrue(failure(check, "./mvnw -B -pl jobs test -Dtest=NoSuchTest").contains("NoSuchTest"));
    assertTrue(failure(check, "kubectl apply -k k8s/overlays/moon").contains("moon"));
    assertTrue(failure(check, "benchmarks/no-such-benchmark").contains("no-such-benchmark"));
    assertTrue(failure(check, "curl https://example.org").contains("UNCHECKED"));
  }

  @Test
  void namesWhyACommandIsNotChecked() {
    DocCommandCheck.Verdict verdict = check().check(command("gcloud dataflow jobs list"));
    assertFalse(verdict.checked());
    assertTrue(verdict.what().contains("Google Cloud"), verdict.what());
  }

  @Test
  void theProseChecksFindUnknownFlagsBrokenLinksAndMissingPaths() {
    String markdown =
        String.join(
            "\n",
            "# A heading",
            "Run `dalle train-dvae --steps 3 --stepz 4` or `dalle nosuchjob`, see",
            "[here](#a-heading), [there](#no-heading) and [gone](missing.md); the code is in",
            "`jobs/.../train/TrainingLoop.java` and `jobs/.../train/NoSuchLoop.java`, tested by",
            "`LossWindowTest` and `NoSuchLoopTest`.",
            "```bash",
            "dalle train-dvae --in-a-block-not-prose `NotProseTest`",
            "```");
    List<String> flags = DocProse.unknownFlags("README.md", markdown);
    assertEquals(2, flags.size(), flags.toString());
    assertTrue(flags.get(0).contains("--stepz"), flags.toString());
    assertTrue(flags.get(1).contains("nosuchjob"), flags.toString());
    List<String> links = DocProse.brokenLinks(ReadmeCommandsTest.REPO, "README.md", markdown);
    assertEquals(2, links.size(), links.toString());
    assertTrue(links.get(0).contains("#no-heading"), links.toString());
    assertTrue(links.get(1).contains("missing.md"), links.toString());
    List<String> paths = DocProse.missingPaths(ReadmeCommandsTest.REPO, "README.md", markdown);
    assertEquals(2, paths.size(), paths.toString());
    assertTrue(paths.get(0).contains("NoSuchLoop.java"), paths.toString());
    assertTrue(paths.get(1).contains("NoSuchLoopTest"), paths.toString());
  }
}

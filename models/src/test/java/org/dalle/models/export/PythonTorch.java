package org.dalle.models.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code python3} with PyTorch ({@code apt-get install python3-torch}), for tests that
 * check an export against {@code scripts/load_dalle.py}. Where either is missing such a test is
 * skipped with a message saying what to install, unless {@value #REQUIRED} is set (CI sets it),
 * where it fails instead, so CI can never pass by skipping.
 */
final class PythonTorch {

  static final String REQUIRED = "DALLE_REQUIRE_TORCH";

  /** The loader script, from a module's folder (surefire's working directory). */
  static final Path LOADER = Path.of("..", "scripts", "load_dalle.py");

  private static final long TIMEOUT_SECONDS = 300;

  private PythonTorch() {}

  /** A python3 that imports torch; skips (or, under CI, fails) the calling test otherwise. */
  static String interpreter() throws IOException, InterruptedException {
    List<String> tried = new ArrayList<>();
    // Debian's interpreter first: a python3 earlier on the PATH (a virtualenv, pyenv) may lack the
    // Debian package's torch.
    for (String candidate : List.of("/usr/bin/python3", "python3")) {
      if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
        tried.add(candidate + " (absent)");
        continue;
      }
      Result probe = run(List.of(candidate, "-c", "import torch; print(torch.__version__)"));
      if (probe.exitCode() == 0) {
        return candidate;
      }
      tried.add(candidate + " (" + probe.lastLine() + ")");
    }
    String message =
        "no python3 with PyTorch: tried "
            + tried
            + "; install it with `apt-get install python3-torch` to run this test";
    if (System.getenv(REQUIRED) != null) {
      fail(message + " (" + REQUIRED + " is set, so this test may not be skipped)");
    }
    assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  /** Runs the loader script with {@code args}; fails the test with its output when it fails. */
  static String runLoader(String python, List<String> args)
      throws IOException, InterruptedException {
    assertTrue(Files.isRegularFile(LOADER), LOADER.toAbsolutePath() + " is missing");
    List<String> command = new ArrayList<>(List.of(python, LOADER.toString()));
    command.addAll(args);
    Result result = run(command);
    assertEquals(0, result.exitCode(), "load_dalle.py failed:\n" + result.output());
    return result.output();
  }

  private record Result(int exitCode, String output) {
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(-1, "cannot start " + command.get(0) + ": " + e.getMessage());
    }
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, command + " ran past " + TIMEOUT_SECONDS + " s");
    }
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}

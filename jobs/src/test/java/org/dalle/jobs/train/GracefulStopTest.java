package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running loop in a child JVM ends it with a final checkpoint and exit code 143. */
class GracefulStopTest {

  @TempDir Path dir;

  @Test
  void sigtermWritesAFinalCheckpoint() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                FakeTrainingLoop.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("ready", out.readLine());
      // SIGTERM on Linux; Process.destroy() would also close the output we still want to read.
      assertTrue(child.toHandle().destroy(), "SIGTERM sent");
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits after SIGTERM");
      StringBuilder rest = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        rest.append(line).append('\n');
      }
      assertEquals(143, child.exitValue(), rest.toString());

      Checkpoint checkpoint = new CheckpointStore(dir, 2).latest().orElseThrow();
      assertTrue(
          rest.toString().contains("stopped at step " + checkpoint.step() + "\n"), rest.toString());
      assertEquals("SIGTERM", checkpoint.readText("reason.txt"));
      assertEquals(new DataPosition(0, checkpoint.step()), checkpoint.data());
    } finally {
      child.destroyForcibly();
    }
  }
}

package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dalle.evaluation.numpy.NpyArray;
import org.dalle.evaluation.numpy.NpyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FidCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private static Path features(Path dir, String name, double shift) throws IOException {
    double[] x = {0, 0, 1, 0, 0, 1, 1, 1};
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] * (1 + shift) + shift;
    }
    return Files.write(dir.resolve(name), NpyFormat.toBytes(new NpyArray(new int[] {4, 2}, x)));
  }

  @Test
  void printsTheFidAndAJsonObject(@TempDir Path dir) throws IOException {
    Path x = features(dir, "x.npy", 0);
    Path y = features(dir, "y.npy", 1); // 2x + 1
    assertEquals(0, run("fid", x.toString(), y.toString()));
    assertEquals("FID: 5.166667", out.toString().strip());

    out.getBuffer().setLength(0);
    Path saved = dir.resolve("stats/y.npz");
    assertEquals(
        0, run("fid", x.toString(), y.toString(), "--json", "--save-stats-b", saved.toString()));
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertEquals(31.0 / 6, json.get("fid").asDouble(), 1e-9);
    assertEquals("features", json.get("b").get("kind").asText());
    assertEquals(4, json.get("b").get("samples").asInt());
    assertEquals(2, json.get("b").get("dimension").asInt());
    assertTrue(Files.isRegularFile(saved));

    out.getBuffer().setLength(0);
    assertEquals(0, run("fid", x.toString(), saved.toString(), "--json"));
    assertTrue(new ObjectMapper().readTree(out.toString()).get("b").get("samples").isNull());
  }

  @Test
  void badInputIsReportedWithoutAStackTrace(@TempDir Path dir) throws IOException {
    Path x = features(dir, "x.npy", 0);
    assertEquals(2, run("fid", x.toString(), dir.toString()));
    assertTrue(err.toString().contains("--features"), err.toString());
    assertTrue(!err.toString().contains("\tat "), err.toString());
  }
}

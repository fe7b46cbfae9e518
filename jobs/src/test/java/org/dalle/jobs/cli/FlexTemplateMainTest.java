package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher images' main class, called as the Flex Template launcher calls it (template
 * parameters and Beam options, each {@code --name=value}), on the Direct runner in place of the
 * launcher's Dataflow: the pipeline named by the image runs and its output is committed.
 */
class FlexTemplateMainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  @TempDir Path dir;

  private int run(String pipeline, String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return FlexTemplateMain.run(pipeline, List.of(args), cli);
  }

  @Test
  void runsThePipelineTheImageNamesWithTheTemplatesParameters() throws Exception {
    Path data = dir.resolve("data");
    int code =
        run(
            "prepare",
            "--input=synthetic:12,seed=1,size=32",
            "--out=" + data,
            "--imageSize=32",
            "--minSide=16",
            "--vocabSize=300",
            "--textLength=16",
            "--oneCaptionPerImage=false",
            "--runner=DirectRunner",
            "--targetParallelism=1");

    assertEquals(0, code, out + "\n" + err);
    assertTrue(
        out.toString()
            .contains(
                "dalle prepare --input=synthetic:12,seed=1,size=32 --out="
                    + data
                    + " --image-size=32"),
        out.toString());
    JsonNode summary = new ObjectMapper().readTree(data.resolve("summary.json").toFile());
    assertEquals(12, summary.path("read").asLong());
    assertTrue(Files.isRegularFile(data.resolve("tokenizer.json")));
  }

  @Test
  void anImageWithoutAPipelineOrAMalformedArgumentIsABadLaunch() {
    assertEquals(2, run(null, "--out=x"));
    assertTrue(
        err.toString().contains(FlexTemplateMain.PIPELINE_ENV + " is not set"), err.toString());
    assertEquals(2, run("prepare", "out"));
    assertTrue(err.toString().contains("out is not --name=value"), err.toString());
    assertEquals(2, run("sample", "--out=x"));
    assertTrue(err.toString().contains("no Flex Template for dalle sample"), err.toString());
    assertFalse(Files.exists(dir.resolve("x")));
  }
}

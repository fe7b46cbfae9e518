package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.dalle.evaluation.protocols.EvaluationCaptionFile;
import org.dalle.jobs.sample.SampleCaption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandsTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;

  private int run(String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private Path cocoAnnotations() throws IOException {
    StringBuilder images = new StringBuilder();
    StringBuilder annotations = new StringBuilder();
    for (int id = 1; id <= 6; id++) {
      images
          .append(id > 1 ? "," : "")
          .append("{\"id\": ")
          .append(id)
          .append(", \"file_name\": \"COCO_val2014_00000000000")
          .append(id)
          .append(".jpg\"}");
      for (int k = 0; k < 3; k++) {
        annotations
            .append(id > 1 || k > 0 ? "," : "")
            .append("{\"id\": ")
            .append(10 * id + k)
            .append(", \"image_id\": ")
            .append(id)
            .append(", \"caption\": \"a photo ")
            .append(id)
            .append(' ')
            .append(k)
            .append("\"}");
      }
    }
    return Files.writeString(
        dir.resolve("captions_val2014.json"),
        "{\"images\": [" + images + "], \"annotations\": [" + annotations + "]}");
  }

  @Test
  void evalCaptionsWritesTheCaptionFileThatSampleReads() throws IOException {
    Path annotations = cocoAnnotations();
    Path out = dir.resolve("coco");
    assertEquals(
        0,
        run(
            "eval-captions",
            "--protocol",
            "coco30k",
            "--annotations",
            annotations.toString(),
            "--images",
            dir.resolve("val2014").toString(),
            "--count",
            "4",
            "--seed",
            "5",
            "--out",
            out.toString()),
        err.toString());
    assertTrue(this.out.toString().contains("4 captions"), this.out.toString());
    List<String> captions =
        EvaluationCaptionFile.read(out.resolve("captions.jsonl")).stream()
            .map(c -> c.caption())
            .toList();
    assertEquals(4, captions.size());

    SampleCommand sample = new SampleCommand();
    new CommandLine(sample)
        .parseArgs(
            "--transformer",
            "t",
            "--dvae",
            "d",
            "--out",
            "o",
            "--captions",
            out.resolve("captions.jsonl").toString());
    assertEquals(
        captions, sample.resolveConfig().captions().stream().map(SampleCaption::caption).toList());
  }

  @Test
  void badArgumentsAreReportedWithoutAStackTrace() {
    assertEquals(2, run("eval-captions", "--protocol", "mscoco", "--out", dir.toString()));
    assertTrue(err.toString().contains("coco30k"), err.toString());
    assertEquals(
        2,
        run(
            "eval-captions",
            "--protocol",
            "cub",
            "--cub-root",
            dir.toString(),
            "--count",
            "5",
            "--out",
            dir.resolve("x").toString()));
    assertTrue(err.toString().contains("--count is for coco30k"), err.toString());
    assertEquals(
        2,
        run(
            "eval-features",
            "--images",
            dir.toString(),
            "--features",
            "onnx:/m.onnx",
            "--out",
            dir.resolve("f").toString(),
            "--blur",
            "0,-1"));
    assertTrue(err.toString().contains("blur radius"), err.toString());
    assertFalse(err.toString().contains("\tat "), err.toString());
  }

  @Test
  void evalFeaturesWritesStatisticsPerRadius() throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    for (int i = 0; i < 4; i++) {
      BufferedImage image = new BufferedImage(9, 7, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 63; p++) {
        image.setRGB(p % 9, p / 9, (p * 40 + i * 77) * 0x010305 & 0xffffff);
      }
      ImageIO.write(image, "png", images.resolve("img" + i + ".png").toFile());
    }
    // The evaluation module's tiny network (tests run in the module directory).
    Path network =
        Path.of(
            "../evaluation/src/test/resources/org/dalle/evaluation/features/"
                + "tiny_feature_net_logits.pt");
    assertTrue(Files.isRegularFile(network), network.toAbsolutePath().toString());
    Path out = dir.resolve("features");
    int code =
        run(
            "eval-features",
            "--images",
            "folder:" + images,
            "--features",
            "torchscript:" + network + "@11",
            "--blur",
            "0,2",
            "--square-size",
            "0",
            "--splits",
            "2",
            "--out",
            out.toString());
    assertEquals(0, code, err.toString());
    assertTrue(Files.isRegularFile(out.resolve("stats_r0.npz")));
    assertTrue(Files.isRegularFile(out.resolve("stats_r2.npz")));
    assertTrue(Files.isRegularFile(out.resolve("is_r2.json")));
    assertTrue(Files.isRegularFile(out.resolve("summary.json")));
  }

  @Test
  void helpExplainsEveryFlag() {
    for (String command : List.of("eval-captions", "eval-features")) {
      out.getBuffer().setLength(0);
      assertEquals(0, run(command, "--help"));
      CommandLine sub = DalleCommand.commandLine().getSubcommands().get(command);
      for (var option : sub.getCommandSpec().options()) {
        assertTrue(
            option.description().length > 0 && !option.description()[0].isBlank(),
            command + " " + option.longestName() + " has no description");
        assertTrue(out.toString().contains(option.longestName()), option.longestName());
      }
    }
  }
}

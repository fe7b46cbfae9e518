package org.dalle.pipelines.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Beam's flags read by Beam's parser, and its refusals said in terms of the flag written. */
class PipelineArgsTest {
  @Test
  void readsBeamsFlagsAsBeamDocumentsThem() {
    DallePipelineOptions options =
        PipelineArgs.parse(
            List.of(
                "--runner=DirectRunner",
                "--tempLocation=/tmp/beam",
                "--targetParallelism=3",
                "--templateLocation=gs://bucket/template",
                "--jobName=dalle-prepare"));
    assertEquals("DirectRunner", options.getRunner().getSimpleName());
    assertEquals("/tmp/beam", options.getTempLocation());
    assertEquals(3, options.getTargetParallelism());
    assertEquals("gs://bucket/template", options.getTemplateLocation());
    assertEquals("dalle-prepare", options.getJobName());
  }

  @Test
  void aValueMayFollowItsOptionAsTheNextWord() {
    assertEquals(
        List.of("--runner=DirectRunner", "--tempLocation=/tmp/beam", "--blockOnRun"),
        PipelineArgs.joinValues(
            List.of("--runner", "DirectRunner", "--tempLocation=/tmp/beam", "--blockOnRun")));
    DallePipelineOptions options =
        PipelineArgs.parse(List.of("--targetParallelism", "2", "--blockOnRun", "false"));
    assertEquals(2, options.getTargetParallelism());
    assertEquals(false, options.isBlockOnRun());
  }

  @Test
  void aWordThatIsNeitherAnOptionNorItsValueIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PipelineArgs.parse(List.of("--tempLocation=/tmp/beam", "stray")));
    assertTrue(e.getMessage().contains("'stray'"), e.getMessage());
    assertTrue(e.getMessage().contains("--name=value"), e.getMessage());
  }

  @Test
  void anUnknownOptionIsNamedWithBeamsSuggestionAndWhatIsExpected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PipelineArgs.parse(List.of("--tempLocaton=/tmp/beam")));
    assertTrue(e.getMessage().startsWith("unknown option --tempLocaton "), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean --tempLocation?"), e.getMessage());
    assertTrue(e.getMessage().contains("expected a flag of the job"), e.getMessage());
    assertTrue(e.getMessage().contains("DirectRunner"), e.getMessage());
  }

  @Test
  void aValueOfTheWrongTypeIsNamedWithItsOption() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PipelineArgs.parse(
                    List.of("--tempLocation=/tmp/beam", "--targetParallelism=many")));
    assertTrue(e.getMessage().startsWith("--targetParallelism=many: "), e.getMessage());
  }

  @Test
  void printsBeamsHelpOfAnOptionsInterface() {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PipelineArgs.printHelp(
        new PrintStream(text, true, StandardCharsets.UTF_8), "DallePipelineOptions");
    String help = text.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--templateLocation=<String>"), help);
    assertTrue(help.contains("Dataflow Flex Template launcher"), help);
    assertTrue(help.contains("--targetParallelism=<int>"), help);
    assertTrue(help.contains("--tempLocation=<String>"), help);

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PipelineArgs.printHelp(
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    "NoSuchOptions"));
    assertTrue(e.getMessage().contains("--help=NoSuchOptions"), e.getMessage());
    assertTrue(e.getMessage().contains("DallePipelineOptions"), e.getMessage());
  }
}

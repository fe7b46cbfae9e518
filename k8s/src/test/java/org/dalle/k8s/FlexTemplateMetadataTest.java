package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.cli.FlexTemplateArgs;
import org.dalle.jobs.cli.RunnerOptions;
import org.dalle.pipelines.options.Runner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Each Dataflow Flex Template's {@code metadata.json} (k8s/flex-templates/PIPELINE/) read against
 * the real options of {@code dalle PIPELINE}: every parameter is a flag of the command, every flag
 * but the runner's is a parameter, the command's required flags are required parameters, a
 * parameter's regexes accept what the flag parses; and a launch, the parameters plus the Beam
 * options the launcher adds, becomes a command line whose config resolves and validates.
 */
class FlexTemplateMetadataTest {
  static final Path TEMPLATES = Rendered.K8S.resolve("flex-templates");

  /** Dataflow's rule for parameter names. */
  private static final Pattern NAME = Pattern.compile("[a-z][A-Za-z0-9]*");

  /** What the Flex Template launcher adds to the template's parameters for a Java pipeline. */
  static final List<String> LAUNCHER_OPTIONS =
      List.of(
          "--runner=DataflowRunner",
          "--project=my-project",
          "--region=us-central1",
          "--jobName=dalle-launch",
          "--tempLocation=gs://dalle-runs/tmp",
          "--stagingLocation=gs://dalle-runs/staging",
          "--templateLocation=gs://dalle-runs/tmp/template_launches/job_object",
          "--serviceAccount=dalle-dataflow@my-project.iam.gserviceaccount.com");

  /**
   * The parameters of a launch: the required ones and, for prepare, what its config needs. Dataflow
   * reads and writes Cloud Storage.
   */
  static final Map<String, Map<String, String>> LAUNCHES =
      Map.of(
          "prepare",
          Map.of(
              "input", "webdataset:gs://dalle-data/shards/*.tar", "out", "gs://dalle-runs/v1/data"),
          "encode",
          Map.of(
              "data", "gs://dalle-runs/v1/data",
              "dvae", "gs://dalle-runs/v1/dvae/export",
              "out", "gs://dalle-runs/v1/tokens"),
          "eval-features",
          Map.of(
              "images", "avro:gs://dalle-runs/v1/data/images/*.avro",
              "features", "torchscript:gs://dalle-models/inception/fid.pt@299",
              "out", "gs://dalle-runs/v1/eval/reference"));

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyPipelineHasATemplateAndNothingElseDoes() throws IOException {
    Set<String> folders = new TreeSet<>();
    try (Stream<Path> list = Files.list(TEMPLATES)) {
      list.filter(Files::isDirectory).forEach(d -> folders.add(d.getFileName().toString()));
    }
    assertEquals(new TreeSet<>(FlexTemplateArgs.PIPELINES), folders);
  }

  @TestFactory
  Stream<DynamicTest> everyParameterIsAFlagAndEveryFlagAParameter() {
    return pipelines(
        (pipeline, metadata, spec) -> {
          assertEquals("dalle-" + pipeline, metadata.path("name").asText());
          assertFalse(metadata.path("description").asText().isBlank(), "no description");
          Set<String> names = new HashSet<>();
          for (JsonNode p : metadata.withArray("parameters")) {
            String name = p.path("name").asText();
            assertTrue(NAME.matcher(name).matches(), name + " is not a Dataflow parameter name");
            assertTrue(names.add(name), name + " twice");
            for (String field : List.of("label", "helpText")) {
              assertFalse(p.path(field).asText().isBlank(), name + " has no " + field);
            }
            assertTrue(p.path("isOptional").isBoolean(), name + " has no isOptional");
            OptionSpec option = spec.findOption("--" + FlexTemplateArgs.kebabCase(name));
            assertNotNull(option, name + " is no flag of dalle " + pipeline);
            assertFalse(runnerOptions(spec).contains(option), name + " is the launcher's to set");
            assertEquals(
                !option.required(),
                p.path("isOptional").asBoolean(),
                name + ": isOptional must be the opposite of the flag's required");
          }
          for (OptionSpec option : spec.options()) {
            if (option.usageHelp()
                || option.versionHelp()
                || runnerOptions(spec).contains(option)) {
              continue;
            }
            String kebab = option.longestName().substring(2);
            assertTrue(
                names.stream().anyMatch(n -> FlexTemplateArgs.kebabCase(n).equals(kebab)),
                option.longestName() + " of dalle " + pipeline + " has no template parameter");
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> regexesAcceptWhatTheFlagParses() {
    return pipelines(
        (pipeline, metadata, spec) -> {
          for (JsonNode p : metadata.withArray("parameters")) {
            OptionSpec option =
                spec.findOption("--" + FlexTemplateArgs.kebabCase(p.path("name").asText()));
            for (JsonNode regex : p.withArray("regexes")) {
              Pattern pattern = Pattern.compile(regex.asText());
              String sample = sample(option);
              assertTrue(pattern.matcher(sample).find(), regex + " rejects " + sample);
              if (Number.class.isAssignableFrom(box(option.type()))) {
                assertFalse(pattern.matcher("many").find(), regex + " accepts a word");
              }
            }
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> aLaunchResolvesToAValidConfig() {
    return pipelines(
        (pipeline, metadata, spec) -> {
          Map<String, String> values = LAUNCHES.get(pipeline);
          List<String> launch = new ArrayList<>();
          for (JsonNode p : metadata.withArray("parameters")) {
            String name = p.path("name").asText();
            assertTrue(
                p.path("isOptional").asBoolean() || values.containsKey(name),
                "no launch value for the required parameter " + name);
          }
          values.forEach((name, value) -> launch.add("--" + name + "=" + value));
          launch.addAll(LAUNCHER_OPTIONS);
          List<String> cli = FlexTemplateArgs.toCli(pipeline, launch);
          // Beam's options reach Beam's parser as the launcher wrote them.
          assertTrue(cli.containsAll(LAUNCHER_OPTIONS), cli.toString());
          assumeTrue(
              Runner.DATAFLOW.isBuilt(), "needs the Dataflow runner: built with -P!dataflow");
          try {
            assertNotNull(DalleCommand.resolveConfig(cli.toArray(String[]::new)));
          } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            fail("dalle rejects the launch " + cli + ": " + e.getMessage());
          }
        });
  }

  @Test
  void switchesAreTrueOrFalseParameters() {
    assertEquals(
        List.of("encode", "--overwrite"),
        FlexTemplateArgs.toCli("encode", List.of("--overwrite=true")));
    assertEquals(List.of("encode"), FlexTemplateArgs.toCli("encode", List.of("--overwrite=false")));
  }

  private static String sample(OptionSpec option) {
    Class<?> type = box(option.type());
    if (type == Boolean.class) {
      return "true";
    }
    if (type == Double.class) {
      return "1.5";
    }
    return "12";
  }

  private static Class<?> box(Class<?> type) {
    if (type == int.class) {
      return Integer.class;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    return type;
  }

  private static Set<OptionSpec> runnerOptions(CommandSpec spec) {
    return new HashSet<>(spec.mixins().get(RunnerOptions.MIXIN).options());
  }

  interface Check {
    void run(String pipeline, JsonNode metadata, CommandSpec spec) throws Exception;
  }

  private static Stream<DynamicTest> pipelines(Check check) {
    return FlexTemplateArgs.PIPELINES.stream()
        .sorted()
        .map(
            pipeline ->
                DynamicTest.dynamicTest(
                    pipeline,
                    () ->
                        check.run(
                            pipeline,
                            JSON.readTree(
                                TEMPLATES.resolve(pipeline).resolve("metadata.json").toFile()),
                            FlexTemplateArgs.commandSpec(pipeline))));
  }
}

package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.cli.FlexTemplateArgs;
import org.dalle.jobs.workflow.MountPaths;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every container's {@code args}, in every Job and WorkflowTemplate of the base and the overlays,
 * with Kubernetes' {@code $(VAR)} and Argo's {@code {{...}}} filled in as the cluster would, run
 * through the dalle CLI up to the point where the job would start: parsed by its own parser, then
 * resolved to the job's config (defaults, the {@code --config} file, the flags) and validated. A
 * renamed flag, a missing required setting or a config file that does not exist breaks the build,
 * not a cluster run after a week of training. Every path a pod is given, in its args or in its
 * config file, must lie on a volume the pod mounts.
 */
class ContainerArgsTest {
  /**
   * Stages whose subcommand is not in the CLI yet, with the flags their specs assume. Their args
   * cannot be checked until it lands; the test fails as soon as one exists, so it is taken off this
   * list and its args are parsed for real.
   */
  static final Map<String, String> NOT_YET_IN_CLI = Map.of();

  /** A path at the start of a value or after {@code =}, {@code :} or {@code ,}; not a URI. */
  private static final Pattern ABSOLUTE = Pattern.compile("(?<![^=:,])/(?!/)[^,@\\s]*");

  /**
   * The pod's mounts mapped under here; what the pods read while the job resolves its config (the
   * sampling captions) is written here first, as the stages before them would have.
   */
  @TempDir static Path mounts;

  @TestFactory
  Stream<DynamicTest> everyContainersArgsResolveToAValidConfig() {
    return Pod.tests(pod -> true, ContainerArgsTest::check);
  }

  /**
   * A Flex Template launch passes its parameters' paths to Dataflow's workers, not to its pod:
   * FlexLaunchStepsTest checks them.
   */
  @TestFactory
  Stream<DynamicTest> everyPathAPodIsGivenIsOnAVolumeItMounts() {
    return Pod.tests(
        pod -> !pod.isFlexLaunch(),
        pod -> {
          List<String> paths = new ArrayList<>();
          for (String arg : pod.args()) {
            paths.addAll(absolutePaths(arg));
          }
          String config = pod.flag("--config");
          if (config != null) {
            collect(Kustomize.load(Rendered.REPO.resolve(config)).get(0), paths);
          }
          for (String path : paths) {
            assertTrue(
                pod.mounts().keySet().stream()
                    .anyMatch(m -> path.equals(m) || path.startsWith(m + "/")),
                pod
                    + " is given "
                    + path
                    + ", which is on none of its volumes "
                    + pod.mounts().keySet());
          }
        });
  }

  /** One parser for all cases: building it loads the CLI's classes, which takes a while. */
  private static final CommandLine CLI = DalleCommand.commandLine();

  private static void check(Pod pod) throws IOException {
    if (pod.isFlexLaunch()) {
      checkFlexLaunch(pod);
      return;
    }
    assertTrue(
        pod.container().path("command").isMissingNode(),
        pod + " runs its own command: neither a dalle step nor a Flex Template launch");
    List<String> args = pod.args();
    String stage = args.get(0);
    if (NOT_YET_IN_CLI.containsKey(stage)) {
      assertFalse(
          CLI.getSubcommands().containsKey(stage),
          "dalle "
              + stage
              + " exists now: take it off ContainerArgsTest.NOT_YET_IN_CLI so its args"
              + " are checked (assumed flags: "
              + NOT_YET_IN_CLI.get(stage)
              + ")");
      Assumptions.abort("dalle " + stage + " is not in the CLI yet; unchecked args " + args);
    }
    try {
      CLI.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      fail("dalle rejects " + args + ": " + e.getMessage());
    }
    String config = pod.flag("--config");
    if (config != null) {
      assertTrue(
          Files.isRegularFile(Rendered.REPO.resolve(config)),
          config + " is not a file under configs/ (the image holds them at /app/configs)");
    }
    MountPaths local = MountPaths.under(mounts);
    String captions = pod.flag("--captions");
    if (captions != null) {
      writeCaption(Path.of(local.local(captions)));
    }
    List<String> localArgs = new ArrayList<>();
    for (String arg : args) {
      // The image's working directory holds configs/; here the repository does.
      localArgs.add(
          local.map(arg).replace("--config=configs/", "--config=" + Rendered.REPO + "/configs/"));
    }
    try {
      DalleCommand.resolveConfig(localArgs.toArray(String[]::new));
    } catch (IllegalArgumentException e) {
      fail(pod + ": dalle " + stage + " would exit 2 (no retry fixes it): " + e.getMessage());
    }
  }

  /**
   * A Flex Template launch: its parameters, with what the launcher adds, become the dalle command
   * line the launcher image runs ({@link FlexTemplateArgs}), which must resolve to a valid config;
   * each parameter is one of the template's metadata.json, and every required one is given.
   */
  private static void checkFlexLaunch(Pod pod) throws IOException {
    List<String> args = pod.args();
    String pipeline = args.get(0);
    assertTrue(
        FlexTemplateArgs.PIPELINES.contains(pipeline),
        pod + " launches " + pipeline + ", which has no Flex Template");
    JsonNode metadata =
        new ObjectMapper()
            .readTree(
                FlexTemplateMetadataTest.TEMPLATES
                    .resolve(pipeline)
                    .resolve("metadata.json")
                    .toFile());
    Map<String, Boolean> optional = new HashMap<>();
    metadata
        .withArray("parameters")
        .forEach(p -> optional.put(p.path("name").asText(), p.path("isOptional").asBoolean()));
    MountPaths local = MountPaths.under(mounts);
    List<String> launch = new ArrayList<>();
    for (String parameter : args.subList(1, args.size())) {
      int eq = parameter.indexOf('=');
      assertTrue(eq > 0, pod + ": " + parameter + " is not NAME=VALUE");
      String name = parameter.substring(0, eq);
      assertTrue(
          optional.containsKey(name),
          pod + ": " + name + " is no parameter of the " + pipeline + " template");
      launch.add(
          "--"
              + local
                  .map(parameter)
                  .replace("config=configs/", "config=" + Rendered.REPO + "/configs/"));
    }
    optional.forEach(
        (name, isOptional) ->
            assertTrue(
                isOptional || launch.stream().anyMatch(a -> a.startsWith("--" + name + "=")),
                pod + " gives no value for the required parameter " + name));
    launch.addAll(FlexTemplateMetadataTest.LAUNCHER_OPTIONS);
    List<String> cli = FlexTemplateArgs.toCli(pipeline, launch);
    try {
      DalleCommand.resolveConfig(cli.toArray(String[]::new));
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      fail(
          pod + ": the launcher image would run dalle " + cli + ", which fails: " + e.getMessage());
    }
  }

  private static synchronized void writeCaption(Path file) {
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.writeString(file, "{\"id\": \"c0\", \"caption\": \"a red square\"}\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> absolutePaths(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = ABSOLUTE.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  private static void collect(JsonNode node, List<String> paths) {
    if (node.isTextual()) {
      paths.addAll(absolutePaths(node.asText()));
    }
    node.elements().forEachRemaining(child -> collect(child, paths));
  }
}

package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.DalleCommand;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every container's {@code args}, in every Job and WorkflowTemplate of the base and the overlays,
 * with Kubernetes' {@code $(VAR)} and Argo's {@code {{...}}} filled in as the cluster would, parsed
 * by the dalle CLI's own parser: a renamed or retyped flag breaks the build, not a cluster run.
 */
class ContainerArgsTest {
  /**
   * Stages whose subcommand is not in the CLI yet, with the flags their specs assume. Their args
   * cannot be checked until it lands; the test fails as soon as one exists, so it is taken off this
   * list and its args are parsed for real.
   */
  static final Map<String, String> NOT_YET_IN_CLI = Map.of();

  private static final Pattern K8S_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern ARGO_TAG =
      Pattern.compile("\\{\\{(workflow|inputs)\\.parameters\\.([A-Za-z0-9_-]+)}}");

  @TestFactory
  Stream<DynamicTest> everyContainersArgsParse() {
    List<DynamicTest> tests = new ArrayList<>();
    Rendered.all()
        .forEach(
            (set, manifests) -> {
              for (Manifest m : manifests) {
                if (m.kind().equals("Job")) {
                  JsonNode container =
                      m.object()
                          .path("spec")
                          .path("template")
                          .path("spec")
                          .path("containers")
                          .get(0);
                  tests.add(
                      dynamicTest(set + ": " + m, () -> check(jobArgs(container, manifests))));
                } else if (m.kind().equals("WorkflowTemplate")) {
                  JsonNode spec = m.object().path("spec");
                  for (JsonNode t : spec.path("templates")) {
                    if (t.has("container")) {
                      tests.add(
                          dynamicTest(
                              set + ": " + m + " template " + t.path("name").asText(),
                              () -> check(workflowArgs(t, spec))));
                    }
                  }
                }
              }
            });
    return tests.stream();
  }

  /** One parser for all cases: building it loads the CLI's classes, which takes a while. */
  private static final CommandLine CLI = DalleCommand.commandLine();

  private static void check(List<String> args) {
    String stage = args.get(0);
    CommandLine cli = CLI;
    if (NOT_YET_IN_CLI.containsKey(stage)) {
      assertFalse(
          cli.getSubcommands().containsKey(stage),
          "dalle "
              + stage
              + " exists now: take it off ContainerArgsTest.NOT_YET_IN_CLI so its args"
              + " are checked (assumed flags: "
              + NOT_YET_IN_CLI.get(stage)
              + ")");
      Assumptions.abort("dalle " + stage + " is not in the CLI yet; unchecked args " + args);
    }
    try {
      cli.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      fail("dalle rejects " + args + ": " + e.getMessage());
    }
    for (String arg : args) {
      if (arg.startsWith("--config=")) {
        String config = arg.substring("--config=".length());
        assertTrue(
            Files.isRegularFile(Rendered.REPO.resolve(config)),
            config + " is not a file under configs/ (the image holds them at /app/configs)");
      }
    }
  }

  /** A Job container's args with $(VAR) expanded from its env, as the kubelet does. */
  static List<String> jobArgs(JsonNode container, List<Manifest> set) {
    Map<String, String> env = new java.util.HashMap<>();
    for (JsonNode var : container.path("env")) {
      String name = var.path("name").asText();
      JsonNode from = var.path("valueFrom");
      if (var.has("value")) {
        env.put(name, var.get("value").asText());
      } else if (from.has("configMapKeyRef")) {
        JsonNode ref = from.get("configMapKeyRef");
        JsonNode map = KubernetesObjectsTest.find(set, "ConfigMap", ref.path("name").asText());
        JsonNode value = map.path("data").path(ref.path("key").asText());
        if (!value.isMissingNode()) {
          env.put(name, value.asText());
        }
      } else if (from.has("fieldRef")) {
        env.put(name, "0");
      }
    }
    List<String> out = new ArrayList<>();
    for (JsonNode arg : container.path("args")) {
      out.add(expand(arg.asText(), K8S_VAR, m -> env.get(m.group(1)), "$(", ")"));
    }
    return out;
  }

  /** A template's args with workflow parameters at their defaults and inputs at sample values. */
  static List<String> workflowArgs(JsonNode template, JsonNode spec) {
    Map<String, String> workflow = new java.util.HashMap<>();
    for (JsonNode p : spec.path("arguments").path("parameters")) {
      workflow.put(
          p.path("name").asText(), p.path("value").asText("example-" + p.path("name").asText()));
    }
    Map<String, String> inputs = new java.util.HashMap<>();
    for (JsonNode p : template.path("inputs").path("parameters")) {
      inputs.put(p.path("name").asText(), p.path("value").asText("step-000000001"));
    }
    List<String> out = new ArrayList<>();
    for (JsonNode arg : template.path("container").path("args")) {
      out.add(
          expand(
              arg.asText(),
              ARGO_TAG,
              m -> (m.group(1).equals("workflow") ? workflow : inputs).get(m.group(2)),
              "{{",
              "}}"));
    }
    return out;
  }

  private static String expand(
      String text,
      Pattern pattern,
      java.util.function.Function<Matcher, String> lookup,
      String open,
      String close) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = lookup.apply(m);
      if (value == null) {
        fail("nothing defines " + m.group() + " in " + text);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}

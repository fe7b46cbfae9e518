package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Every pod the manifests can start, seen as the cluster sees it: a Job's pod template, or a
 * WorkflowTemplate's container step with the workflow-level parts (security context, volumes) Argo
 * adds. Text is expanded as the cluster would: Kubernetes' {@code $(VAR)} from the container's env,
 * Argo's {@code {{...}}} with workflow parameters at their defaults and inputs at sample values.
 *
 * @param set the rendered set it comes from
 * @param where the object (and step) it comes from, for messages
 * @param container the step's container: {@code dalle} with its args, or a Flex Template launch
 *     ({@link #isFlexLaunch})
 * @param securityContext the pod's security context (a missing node when none)
 * @param volumes the pod's volumes by name
 * @param expander fills in variables and parameters
 */
record Pod(
    String set,
    String where,
    JsonNode container,
    JsonNode securityContext,
    Map<String, JsonNode> volumes,
    Function<String, String> expander) {

  private static final Pattern K8S_VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");
  private static final Pattern ARGO_TAG =
      Pattern.compile("\\{\\{(workflow|inputs)\\.parameters\\.([A-Za-z0-9_-]+)}}");

  String expand(String text) {
    return expander.apply(text);
  }

  /** The container's args, expanded. */
  List<String> args() {
    List<String> out = new ArrayList<>();
    container.path("args").forEach(a -> out.add(expand(a.asText())));
    return out;
  }

  /** The name the launch script of a Flex Template step gives itself ($0 after bash -c SCRIPT). */
  static final String FLEX_LAUNCH = "flex-template-run";

  /**
   * Whether the step launches a Dataflow Flex Template instead of running dalle: its command is the
   * launch script, its args the pipeline and the template's parameters as NAME=VALUE.
   */
  boolean isFlexLaunch() {
    JsonNode command = container.path("command");
    return command.size() == 4
        && command.get(0).asText().equals("bash")
        && command.get(3).asText().equals(FLEX_LAUNCH);
  }

  /** The first arg: the dalle subcommand, or the pipeline a Flex Template step launches. */
  String stage() {
    return container.path("args").path(0).asText();
  }

  /** The value of {@code --name=VALUE} among the args, expanded, or null. */
  String flag(String name) {
    for (String arg : args()) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return null;
  }

  /** Mount path (expanded) → the volume mounted there. */
  Map<String, JsonNode> mounts() {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode m : container.path("volumeMounts")) {
      out.put(expand(m.path("mountPath").asText()), volumes.get(m.path("name").asText()));
    }
    return out;
  }

  boolean usesGpu() {
    return container.path("resources").path("limits").has("nvidia.com/gpu");
  }

  @Override
  public String toString() {
    return set + ": " + where;
  }

  /** One dynamic test per pod that {@code which} selects, named after the pod. */
  static Stream<DynamicTest> tests(Predicate<Pod> which, ThrowingConsumer<Pod> check) {
    return all().stream()
        .filter(which)
        .map(pod -> dynamicTest(pod.toString(), () -> check.accept(pod)));
  }

  /** Every pod of every rendered set. */
  static List<Pod> all() {
    List<Pod> pods = new ArrayList<>();
    Rendered.all().forEach((set, manifests) -> pods.addAll(of(set, manifests)));
    return pods;
  }

  static List<Pod> of(String set, List<Manifest> manifests) {
    List<Pod> pods = new ArrayList<>();
    for (Manifest m : manifests) {
      if (m.kind().equals("Job")) {
        JsonNode spec = m.object().path("spec").path("template").path("spec");
        JsonNode container = spec.path("containers").get(0);
        Map<String, String> env = jobEnv(container, Rendered.installedWith(set));
        pods.add(
            new Pod(
                set,
                m.toString(),
                container,
                spec.path("securityContext"),
                byName(spec.path("volumes")),
                text -> fill(text, K8S_VAR, g -> env.get(g.group(1)))));
      } else if (m.kind().equals("WorkflowTemplate")) {
        JsonNode spec = m.object().path("spec");
        for (JsonNode t : spec.path("templates")) {
          if (t.has("container")) {
            Map<String, String> workflow = new HashMap<>();
            for (JsonNode p : spec.path("arguments").path("parameters")) {
              workflow.put(
                  p.path("name").asText(),
                  p.path("value").asText("example-" + p.path("name").asText()));
            }
            Map<String, String> inputs = new HashMap<>();
            for (JsonNode p : t.path("inputs").path("parameters")) {
              inputs.put(p.path("name").asText(), p.path("value").asText("step-000000001"));
            }
            pods.add(
                new Pod(
                    set,
                    m + " template " + t.path("name").asText(),
                    t.path("container"),
                    spec.path("securityContext"),
                    byName(spec.path("volumes")),
                    text ->
                        fill(
                            text,
                            ARGO_TAG,
                            g ->
                                (g.group(1).equals("workflow") ? workflow : inputs)
                                    .get(g.group(2)))));
          }
        }
      }
    }
    return pods;
  }

  private static Map<String, JsonNode> byName(JsonNode list) {
    Map<String, JsonNode> out = new HashMap<>();
    list.forEach(v -> out.put(v.path("name").asText(), v));
    return out;
  }

  /** A Job container's env as the kubelet resolves it (field references read as 0). */
  private static Map<String, String> jobEnv(JsonNode container, List<Manifest> installed) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode var : container.path("env")) {
      String name = var.path("name").asText();
      JsonNode from = var.path("valueFrom");
      if (var.has("value")) {
        env.put(name, var.get("value").asText());
      } else if (from.has("configMapKeyRef")) {
        JsonNode ref = from.get("configMapKeyRef");
        JsonNode map =
            KubernetesObjectsTest.find(installed, "ConfigMap", ref.path("name").asText());
        JsonNode value = map.path("data").path(ref.path("key").asText());
        if (!value.isMissingNode()) {
          env.put(name, value.asText());
        }
      } else if (from.has("fieldRef")) {
        env.put(name, "0");
      }
    }
    return env;
  }

  private static String fill(String text, Pattern pattern, Function<Matcher, String> lookup) {
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

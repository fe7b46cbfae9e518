package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Toleration;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Argo objects, checked structurally: known fields only, DAG dependencies that exist and form
 * no cycle, every parameter referenced declared, references to other templates resolved, pod parts
 * (containers, tolerations, volumes) valid Kubernetes objects, and the run-time guards (retries,
 * deadlines, pod garbage collection) present.
 */
class ArgoTemplatesTest {
  @TestFactory
  Stream<DynamicTest> workflowTemplatesAreWellFormed() {
    return Rendered.ofKind("WorkflowTemplate")
        .map(
            e ->
                dynamicTest(
                    e.getKey() + ": " + e.getValue(), () -> check(e.getKey(), e.getValue())));
  }

  private static void check(String set, Manifest m) {
    List<String> problems = new ArrayList<>();
    JsonNode spec = m.object().path("spec");
    ArgoSchema.checkFields("spec", spec, ArgoSchema.SPEC, problems);
    Map<String, JsonNode> templates = ArgoSchema.templates(spec);
    if (!templates.containsKey(spec.path("entrypoint").asText())) {
      problems.add("entrypoint " + spec.path("entrypoint").asText() + " is not a template");
    }
    for (String guard : List.of("activeDeadlineSeconds", "podGC", "serviceAccountName")) {
      if (!spec.has(guard)) {
        problems.add("spec." + guard + " is missing");
      }
    }
    Set<String> declared = ArgoSchema.names(spec.path("arguments").path("parameters"));
    for (String ref : ArgoSchema.references(spec, "workflow.parameters")) {
      if (!declared.contains(ref)) {
        problems.add("{{workflow.parameters." + ref + "}} is not declared in spec.arguments");
      }
    }
    spec.path("volumes").forEach(v -> parse(v, V1Volume.class, "volume", problems));
    for (JsonNode template : templates.values()) {
      String where = "template " + template.path("name").asText();
      ArgoSchema.checkTemplate(where, template, problems);
      Set<String> inputs = ArgoSchema.names(template.path("inputs").path("parameters"));
      for (String ref : ArgoSchema.references(template, "inputs.parameters")) {
        if (!inputs.contains(ref)) {
          problems.add(where + ": {{inputs.parameters." + ref + "}} is not an input");
        }
      }
      if (template.has("container")) {
        parse(template.get("container"), V1Container.class, where + " container", problems);
        template.path("tolerations").forEach(t -> parse(t, V1Toleration.class, where, problems));
        if (!template.has("retryStrategy") || !template.has("activeDeadlineSeconds")) {
          problems.add(where + ": a step needs retryStrategy and activeDeadlineSeconds");
        }
        // backoff.maxDuration counts from the first attempt: a step that fails after running
        // longer than it is never retried. cap bounds each wait instead.
        if (template.path("retryStrategy").path("backoff").has("maxDuration")) {
          problems.add(
              where
                  + ": retryStrategy.backoff.maxDuration stops retries of any attempt that ran"
                  + " longer; use cap");
        }
      }
      if (template.has("dag")) {
        Dag.check(
            where, template.get("dag"), templates, Rendered.all().get(set), declared, problems);
      }
    }
    assertTrue(problems.isEmpty(), m + ":\n  " + String.join("\n  ", problems));
  }

  static void parse(JsonNode node, Class<?> model, String where, List<String> problems) {
    try {
      JSON.deserialize(node.toString(), model);
    } catch (RuntimeException e) {
      problems.add(where + ": " + e.getMessage());
    }
  }

  @TestFactory
  Stream<DynamicTest> everyConfigParameterDefaultsToAConfigFileThatExists() {
    return Rendered.ofKind("WorkflowTemplate")
        .map(
            e ->
                dynamicTest(
                    e.getKey() + ": " + e.getValue(),
                    () -> {
                      for (JsonNode p :
                          e.getValue().object().path("spec").path("arguments").path("parameters")) {
                        String name = p.path("name").asText();
                        if (name.endsWith("-config")) {
                          String file = p.path("value").asText();
                          assertTrue(
                              java.nio.file.Files.isRegularFile(Rendered.REPO.resolve(file)),
                              "parameter " + name + " defaults to " + file + ", which is no file");
                        }
                      }
                    }));
  }

  @Test
  void theTrainingDagRunsTheStagesInThePapersOrder() {
    JsonNode spec =
        KubernetesObjectsTest.find(Rendered.all().get("base"), "WorkflowTemplate", "dalle-training")
            .path("spec");
    JsonNode dag = ArgoSchema.templates(spec).get("train").path("dag");
    // prepare and encode each run as one of two tasks (FlexLaunchStepsTest): the stage's.
    Map<String, Set<String>> deps = Dag.stageDependencies(dag);
    assertEquals(Set.of(), deps.get("prepare"));
    assertEquals(Set.of("prepare"), deps.get("train-dvae"));
    assertEquals(Set.of("train-dvae"), deps.get("encode"));
    assertEquals(Set.of("encode"), deps.get("train-transformer"));
    assertTrue(Dag.reaches(deps, "train-clip", "train-dvae"));
    assertEquals(Set.of("train-transformer", "train-clip"), deps.get("sample"));
    assertEquals(Set.of("sample"), deps.get("evaluate"));
  }

  @Test
  void aCycleAMissingDependencyAndAnUndeclaredParameterAreCaught() throws Exception {
    JsonNode dag =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"tasks\":[{\"name\":\"a\",\"template\":\"t\",\"dependencies\":[\"b\"]},"
                    + "{\"name\":\"b\",\"template\":\"t\",\"dependencies\":[\"a\",\"c\"],"
                    + "\"arguments\":{\"parameters\":[{\"name\":\"x\","
                    + "\"value\":\"{{workflow.parameters.nope}}\"}]}}]}");
    JsonNode t =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree("{\"name\":\"t\",\"container\":{\"image\":\"i\"}}");
    List<String> problems = new ArrayList<>();
    Dag.check("template d", dag, Map.of("t", t), List.of(), Set.of(), problems);
    String all = String.join("\n", problems);
    assertTrue(all.contains("task b depends on c, which is not a task"), all);
    assertTrue(all.contains("cycle through a"), all);
    assertTrue(all.contains("task b passes x, which template t does not take"), all);
    List<String> refs = ArgoSchema.references(dag, "workflow.parameters");
    assertEquals(List.of("nope"), refs);
  }

  @TestFactory
  Stream<DynamicTest> theSnapshotSensorSubmitsAnInstalledTemplate() {
    return Rendered.ofKind("Sensor")
        .map(
            e ->
                dynamicTest(
                    e.getKey() + ": " + e.getValue(),
                    () -> {
                      List<Manifest> set = Rendered.all().get(e.getKey());
                      JsonNode sensor = e.getValue().object().path("spec");
                      Set<String> dependencies = ArgoSchema.names(sensor.path("dependencies"));
                      for (JsonNode dep : sensor.path("dependencies")) {
                        JsonNode source =
                            KubernetesObjectsTest.find(
                                set, "EventSource", dep.path("eventSourceName").asText());
                        assertTrue(
                            source.path("spec").path("pubSub").has(dep.path("eventName").asText()),
                            dep.toString());
                      }
                      for (JsonNode trigger : sensor.path("triggers")) {
                        JsonNode argo = trigger.path("template").path("argoWorkflow");
                        JsonNode workflow = argo.path("source").path("resource");
                        String templateName =
                            workflow.path("spec").path("workflowTemplateRef").path("name").asText();
                        JsonNode template =
                            KubernetesObjectsTest.find(set, "WorkflowTemplate", templateName);
                        JsonNode given = workflow.path("spec").path("arguments").path("parameters");
                        Set<String> declared =
                            ArgoSchema.names(
                                template.path("spec").path("arguments").path("parameters"));
                        assertTrue(
                            declared.containsAll(ArgoSchema.names(given)),
                            given + " vs " + declared);
                        for (JsonNode p :
                            template.path("spec").path("arguments").path("parameters")) {
                          assertTrue(
                              p.has("value")
                                  || p.has("valueFrom")
                                  || ArgoSchema.names(given).contains(p.path("name").asText()),
                              "the sensor does not give required parameter "
                                  + p.path("name").asText());
                        }
                        for (JsonNode p : argo.path("parameters")) {
                          assertTrue(
                              dependencies.contains(p.path("src").path("dependencyName").asText()),
                              p.toString());
                          String dest = p.path("dest").asText();
                          assertTrue(
                              dest.matches("spec\\.arguments\\.parameters\\.\\d+\\.value"), dest);
                          int index = Integer.parseInt(dest.split("\\.")[3]);
                          assertTrue(index < given.size(), dest + " is past the parameters given");
                        }
                      }
                    }));
  }
}

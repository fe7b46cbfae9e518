package org.dalle.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Argo Workflows through the Kubernetes API ({@code argoproj.io/v1alpha1}): submits a Workflow that
 * runs a WorkflowTemplate with parameters, and reads a Workflow's status. Parameters are checked
 * against the template before anything is created, so a typo fails here rather than in the cluster.
 */
public final class ArgoWorkflows {
  static final String GROUP = "argoproj.io";
  static final String VERSION = "v1alpha1";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ClusterConnection cluster;
  private final CustomObjectsApi api;

  public ArgoWorkflows(ClusterConnection cluster) {
    this.cluster = cluster;
    this.api = new CustomObjectsApi(cluster.client());
  }

  /** The WorkflowTemplate {@code name}, as JSON. */
  public JsonNode template(String name) {
    try {
      Object found =
          api.getNamespacedCustomObject(
                  GROUP, VERSION, cluster.namespace(), "workflowtemplates", name)
              .execute();
      return toTree(found);
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "read WorkflowTemplate " + name + " in namespace " + cluster.namespace(),
          "WorkflowTemplate "
              + name
              + " not found in namespace "
              + cluster.namespace()
              + "; install the templates with kubectl apply -k k8s/overlays/<cluster>");
    }
  }

  /**
   * Creates a Workflow from the WorkflowTemplate {@code templateName} and returns its name.
   *
   * @throws ClusterException when a parameter is not declared by the template, a required one is
   *     missing, or the server refuses
   */
  public String submit(String templateName, Map<String, String> parameters) {
    JsonNode template = template(templateName);
    WorkflowParameters.check(templateName, template, parameters);
    Map<String, Object> workflow = workflow(templateName, parameters);
    try {
      Object created =
          api.createNamespacedCustomObject(
                  GROUP, VERSION, cluster.namespace(), "workflows", workflow)
              .execute();
      return toTree(created).path("metadata").path("name").asText();
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "create a Workflow in namespace " + cluster.namespace(),
          "the Workflow resource is unknown to the API server at "
              + cluster.server()
              + "; is Argo Workflows installed?");
    }
  }

  /** The Workflow object to create: a reference to the template plus the given arguments. */
  static Map<String, Object> workflow(String templateName, Map<String, String> parameters) {
    List<Map<String, String>> arguments = new ArrayList<>();
    parameters.forEach((name, value) -> arguments.add(Map.of("name", name, "value", value)));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("generateName", templateName + "-");
    metadata.put("labels", Map.of("app.kubernetes.io/part-of", "dalle"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("workflowTemplateRef", Map.of("name", templateName));
    spec.put("arguments", Map.of("parameters", arguments));
    Map<String, Object> workflow = new LinkedHashMap<>();
    workflow.put("apiVersion", GROUP + "/" + VERSION);
    workflow.put("kind", "Workflow");
    workflow.put("metadata", metadata);
    workflow.put("spec", spec);
    return workflow;
  }

  /** The Workflow {@code name}'s current status. */
  public RunStatus status(String name) {
    try {
      Object found =
          api.getNamespacedCustomObject(GROUP, VERSION, cluster.namespace(), "workflows", name)
              .execute();
      return statusOf(name, toTree(found));
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "read Workflow " + name + " in namespace " + cluster.namespace(),
          "workflow " + name + " not found in namespace " + cluster.namespace());
    }
  }

  /** Reads phase, progress, one line per Pod node (by start order) and global outputs. */
  static RunStatus statusOf(String name, JsonNode workflow) {
    JsonNode status = workflow.path("status");
    String phase = status.path("phase").asText("");
    List<JsonNode> pods = new ArrayList<>();
    status.path("nodes").forEach(node -> pods.add(node));
    pods.removeIf(node -> !node.path("type").asText().equals("Pod"));
    pods.sort(
        (a, b) ->
            a.path("startedAt")
                .asText("")
                .concat(a.path("displayName").asText())
                .compareTo(b.path("startedAt").asText("").concat(b.path("displayName").asText())));
    List<String> steps = new ArrayList<>();
    for (JsonNode node : pods) {
      String line = node.path("displayName").asText() + "  " + node.path("phase").asText("Pending");
      String message = node.path("message").asText("");
      steps.add(message.isEmpty() ? line : line + " — " + message);
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    status
        .path("outputs")
        .path("parameters")
        .forEach(p -> outputs.put(p.path("name").asText(), p.path("value").asText("")));
    return new RunStatus(
        "workflow",
        name,
        phase.isEmpty() ? "Pending" : phase,
        status.path("message").asText(""),
        status.path("progress").asText(""),
        steps,
        outputs);
  }

  private static JsonNode toTree(Object object) {
    try {
      return MAPPER.readTree(JSON.serialize(object));
    } catch (IOException e) {
      throw new UncheckedIOException("the API server's answer is not JSON", e);
    }
  }
}

package org.dalle.jobs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * An Argo WorkflowTemplate read from a file (YAML anchors resolved): its name, entry point,
 * parameters with their defaults and templates by name. Templates another one names with {@code
 * templateRef} are looked up among the WorkflowTemplates in the same directory.
 *
 * @param file where it was read from
 * @param name {@code metadata.name}
 * @param entrypoint the template the workflow starts with
 * @param parameters the workflow parameters in order, each with its default (null: required)
 * @param templates the templates by name
 */
public record WorkflowTemplateFile(
    Path file,
    String name,
    String entrypoint,
    Map<String, String> parameters,
    Map<String, JsonNode> templates) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the WorkflowTemplate in {@code file}; fails when the file holds none. */
  public static WorkflowTemplateFile read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("could not read workflow template " + file + ": " + e, e);
    }
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    for (Object doc : yaml.loadAll(text)) {
      JsonNode node = JSON.valueToTree(doc);
      if (node != null && node.path("kind").asText().equals("WorkflowTemplate")) {
        return of(file, node);
      }
    }
    throw new IllegalArgumentException(file + " holds no WorkflowTemplate");
  }

  static WorkflowTemplateFile of(Path file, JsonNode node) {
    JsonNode spec = node.path("spec");
    Map<String, String> parameters = new LinkedHashMap<>();
    for (JsonNode p : spec.path("arguments").path("parameters")) {
      JsonNode value = p.get("value");
      parameters.put(p.path("name").asText(), value == null ? null : value.asText());
    }
    Map<String, JsonNode> templates = new LinkedHashMap<>();
    spec.path("templates").forEach(t -> templates.put(t.path("name").asText(), t));
    return new WorkflowTemplateFile(
        file,
        node.path("metadata").path("name").asText(),
        spec.path("entrypoint").asText(),
        parameters,
        templates);
  }

  /** The template {@code name} of this file, or fails naming the ones there are. */
  public JsonNode template(String name) {
    JsonNode t = templates.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          this.name + " has no template " + name + "; it has " + templates.keySet());
    }
    return t;
  }

  /**
   * The WorkflowTemplate named {@code name}: this one, or one in a YAML file beside it (how {@code
   * templateRef} finds dalle-training from dalle-retraining).
   */
  public WorkflowTemplateFile sibling(String name) {
    if (name.equals(this.name)) {
      return this;
    }
    Path dir = file.toAbsolutePath().getParent();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path other : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try {
          WorkflowTemplateFile candidate = read(other);
          if (candidate.name().equals(name)) {
            return candidate;
          }
        } catch (IllegalArgumentException notATemplate) {
          // another kind of manifest: not the one looked for
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("could not list " + dir + ": " + e, e);
    }
    throw new IllegalArgumentException(
        "templateRef names WorkflowTemplate " + name + ", which no file in " + dir + " holds");
  }

  /** The parameter names that have no default. */
  public List<String> required() {
    return parameters.entrySet().stream()
        .filter(e -> e.getValue() == null)
        .map(Map.Entry::getKey)
        .toList();
  }
}

package org.dalle.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Argo's WorkflowTemplate schema these manifests use, field by field (from Argo's field
 * reference), so a misspelt field is an error here instead of being ignored by the controller; and
 * helpers to read templates, parameter names and {@code {{...}}} references.
 */
final class ArgoSchema {
  static final Set<String> SPEC =
      Set.of(
          "entrypoint",
          "serviceAccountName",
          "activeDeadlineSeconds",
          "podGC",
          "ttlStrategy",
          "podMetadata",
          "arguments",
          "volumes",
          "templates",
          "workflowMetadata",
          "securityContext");
  static final Map<String, Set<String>> SPEC_CHILDREN =
      Map.of(
          "podGC", Set.of("strategy"),
          "ttlStrategy",
              Set.of("secondsAfterCompletion", "secondsAfterSuccess", "secondsAfterFailure"),
          "podMetadata", Set.of("annotations", "labels"),
          "workflowMetadata", Set.of("annotations", "labels"),
          "arguments", Set.of("parameters"));
  static final Set<String> PARAMETER = Set.of("name", "value", "description", "enum", "valueFrom");
  static final Set<String> TEMPLATE =
      Set.of(
          "name",
          "container",
          "dag",
          "inputs",
          "outputs",
          "retryStrategy",
          "activeDeadlineSeconds",
          "nodeSelector",
          "tolerations",
          "metadata");
  static final Set<String> RETRY = Set.of("limit", "retryPolicy", "expression", "backoff");
  static final Set<String> BACKOFF = Set.of("duration", "factor", "cap", "maxDuration");
  static final Set<String> OUTPUT_PARAMETER =
      Set.of("name", "valueFrom", "globalName", "description");
  static final Set<String> VALUE_FROM = Set.of("path", "default");
  static final Set<String> RETRY_POLICIES =
      Set.of("Always", "OnFailure", "OnError", "OnTransientError");

  private ArgoSchema() {}

  static void checkFields(String where, JsonNode node, Set<String> known, List<String> problems) {
    node.fieldNames()
        .forEachRemaining(
            f -> {
              if (!known.contains(f)) {
                problems.add(where + ": unknown field " + f);
              }
            });
    if (where.equals("spec")) {
      SPEC_CHILDREN.forEach(
          (field, children) -> {
            if (node.has(field)) {
              checkFields("spec." + field, node.get(field), children, problems);
            }
          });
      node.path("arguments")
          .path("parameters")
          .forEach(p -> checkFields("spec.arguments parameter", p, PARAMETER, problems));
    }
  }

  static void checkTemplate(String where, JsonNode template, List<String> problems) {
    checkFields(where, template, TEMPLATE, problems);
    JsonNode retry = template.path("retryStrategy");
    if (!retry.isMissingNode()) {
      checkFields(where + " retryStrategy", retry, RETRY, problems);
      checkFields(where + " retryStrategy.backoff", retry.path("backoff"), BACKOFF, problems);
      if (!RETRY_POLICIES.contains(retry.path("retryPolicy").asText())) {
        problems.add(
            where
                + ": retryPolicy "
                + retry.path("retryPolicy").asText()
                + " is not one of "
                + RETRY_POLICIES);
      }
    }
    template
        .path("inputs")
        .path("parameters")
        .forEach(p -> checkFields(where + " input", p, PARAMETER, problems));
    checkFields(where + " inputs", template.path("inputs"), Set.of("parameters"), problems);
    checkFields(where + " outputs", template.path("outputs"), Set.of("parameters"), problems);
    for (JsonNode p : template.path("outputs").path("parameters")) {
      checkFields(where + " output", p, OUTPUT_PARAMETER, problems);
      checkFields(where + " output valueFrom", p.path("valueFrom"), VALUE_FROM, problems);
    }
    checkFields(
        where + " metadata", template.path("metadata"), Set.of("annotations", "labels"), problems);
  }

  /** Templates by name, in order. */
  static Map<String, JsonNode> templates(JsonNode spec) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    spec.path("templates").forEach(t -> byName.put(t.path("name").asText(), t));
    return byName;
  }

  /** The {@code name} fields of a list. */
  static Set<String> names(JsonNode list) {
    Set<String> names = new LinkedHashSet<>();
    list.forEach(p -> names.add(p.path("name").asText()));
    return names;
  }

  /** Every NAME in a {@code {{PREFIX.NAME}}} anywhere in the text values under {@code node}. */
  static List<String> references(JsonNode node, String prefix) {
    Pattern tag =
        Pattern.compile("\\{\\{\\s*" + Pattern.quote(prefix) + "\\.([A-Za-z0-9_-]+)\\s*}}");
    List<String> found = new ArrayList<>();
    collect(node, tag, found);
    return found;
  }

  private static void collect(JsonNode node, Pattern tag, List<String> found) {
    if (node.isTextual()) {
      Matcher m = tag.matcher(node.asText());
      while (m.find()) {
        found.add(m.group(1));
      }
    }
    node.elements().forEachRemaining(child -> collect(child, tag, found));
  }
}

package org.dalle.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a submission's parameters against the WorkflowTemplate's declared arguments: every given
 * name is declared, every declared parameter without a default is given, and the parameters the
 * template lists in its {@code dalle.org/digest-parameters} annotation name an image by digest (a
 * reproducible run cannot use a tag, which can move).
 */
public final class WorkflowParameters {
  static final String DIGEST_ANNOTATION = "dalle.org/digest-parameters";
  private static final Pattern DIGEST = Pattern.compile(".+@sha256:[0-9a-f]{64}");

  private WorkflowParameters() {}

  /**
   * Fails with a {@link ClusterException} listing every problem of {@code given} against {@code
   * template} (the WorkflowTemplate's whole tree). Public so the documentation's submit commands
   * are checked by the rule {@code dalle submit} applies.
   */
  public static void check(String templateName, JsonNode template, Map<String, String> given) {
    Map<String, JsonNode> declared = new LinkedHashMap<>();
    template
        .path("spec")
        .path("arguments")
        .path("parameters")
        .forEach(p -> declared.put(p.path("name").asText(), p));
    List<String> problems = new ArrayList<>();
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        problems.add("unknown parameter " + name);
      }
    }
    for (Map.Entry<String, JsonNode> entry : declared.entrySet()) {
      boolean hasDefault = entry.getValue().has("value") || entry.getValue().has("valueFrom");
      if (!hasDefault && !given.containsKey(entry.getKey())) {
        problems.add(
            "missing required parameter "
                + entry.getKey()
                + " ("
                + entry.getValue().path("description").asText("no description")
                + ")");
      }
    }
    String pinned = template.path("metadata").path("annotations").path(DIGEST_ANNOTATION).asText();
    for (String name : pinned.split(",")) {
      String value = given.get(name.strip());
      if (!name.isBlank() && value != null && !DIGEST.matcher(value).matches()) {
        problems.add(
            "parameter "
                + name.strip()
                + " must name an image by digest (REGISTRY/IMAGE@sha256:<64 hex digits>) so the"
                + " run can be reproduced; got "
                + value);
      }
    }
    if (!problems.isEmpty()) {
      throw new ClusterException(
          "WorkflowTemplate "
              + templateName
              + ": "
              + String.join("; ", problems)
              + ". Declared parameters: "
              + String.join(", ", declared.keySet()),
          ClusterException.REFUSED);
    }
  }
}

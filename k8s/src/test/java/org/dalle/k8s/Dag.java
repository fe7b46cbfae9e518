package org.dalle.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks of an Argo DAG template: tasks, dependencies, cycles, arguments and outputs passed. */
final class Dag {
  static final Set<String> TASK =
      Set.of("name", "template", "templateRef", "dependencies", "arguments", "when");

  /**
   * The suffix of a task that runs a stage as a Dataflow Flex Template launch, the alternative of
   * the task named without it (FlexLaunchStepsTest checks that exactly one of the two runs).
   */
  static final String FLEX = "-flex";

  private static final Pattern TASK_OUTPUT =
      Pattern.compile("\\{\\{tasks\\.([A-Za-z0-9_-]+)\\.outputs\\.parameters\\.([A-Za-z0-9_-]+)}}");

  private Dag() {}

  static Map<String, Set<String>> dependencies(JsonNode dag) {
    Map<String, Set<String>> deps = new LinkedHashMap<>();
    for (JsonNode task : dag.path("tasks")) {
      Set<String> on = new LinkedHashSet<>();
      task.path("dependencies").forEach(d -> on.add(d.asText()));
      deps.put(task.path("name").asText(), on);
    }
    return deps;
  }

  /**
   * The dependencies between stages: each Flex Template launch task ({@code X-flex}) folded into
   * the task {@code X} whose alternative it is.
   */
  static Map<String, Set<String>> stageDependencies(JsonNode dag) {
    Map<String, Set<String>> stages = new LinkedHashMap<>();
    dependencies(dag)
        .forEach(
            (task, on) -> {
              Set<String> deps = stages.computeIfAbsent(stage(task), t -> new LinkedHashSet<>());
              on.forEach(d -> deps.add(stage(d)));
            });
    return stages;
  }

  static String stage(String task) {
    return task.endsWith(FLEX) ? task.substring(0, task.length() - FLEX.length()) : task;
  }

  /** Whether {@code from} depends on {@code to}, directly or through other tasks. */
  static boolean reaches(Map<String, Set<String>> deps, String from, String to) {
    Deque<String> todo = new ArrayDeque<>(deps.getOrDefault(from, Set.of()));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (next.equals(to)) {
        return true;
      }
      if (seen.add(next)) {
        todo.addAll(deps.getOrDefault(next, Set.of()));
      }
    }
    return false;
  }

  /**
   * @param local the WorkflowTemplate's own templates by name
   * @param set every rendered manifest, to resolve templateRef
   * @param declared the workflow parameters the WorkflowTemplate declares
   */
  static void check(
      String where,
      JsonNode dag,
      Map<String, JsonNode> local,
      List<Manifest> set,
      Set<String> declared,
      List<String> problems) {
    Map<String, Set<String>> deps = dependencies(dag);
    if (deps.size() != dag.path("tasks").size()) {
      problems.add(where + ": task names are not unique");
    }
    for (JsonNode task : dag.path("tasks")) {
      String name = task.path("name").asText();
      ArgoSchema.checkFields(where + " task " + name, task, TASK, problems);
      for (String on : deps.get(name)) {
        if (!deps.containsKey(on)) {
          problems.add(where + ": task " + name + " depends on " + on + ", which is not a task");
        }
      }
      JsonNode target = target(where, task, local, set, declared, problems);
      if (target == null) {
        continue;
      }
      String targetName = target.path("name").asText();
      Set<String> passed = ArgoSchema.names(task.path("arguments").path("parameters"));
      Set<String> takes = ArgoSchema.names(target.path("inputs").path("parameters"));
      for (String p : passed) {
        if (!takes.contains(p)) {
          problems.add(
              where
                  + ": task "
                  + name
                  + " passes "
                  + p
                  + ", which template "
                  + targetName
                  + " does not take");
        }
      }
      for (JsonNode input : target.path("inputs").path("parameters")) {
        if (!input.has("value") && !passed.contains(input.path("name").asText())) {
          problems.add(
              where
                  + ": task "
                  + name
                  + " does not pass required input "
                  + input.path("name").asText());
        }
      }
      Matcher m = TASK_OUTPUT.matcher(task.path("arguments").toString());
      while (m.find()) {
        String from = m.group(1);
        if (!reaches(deps, name, from)) {
          problems.add(
              where + ": task " + name + " reads outputs of " + from + " without depending on it");
        }
        JsonNode producer = local.get(templateOf(dag, from));
        if (producer == null
            || !ArgoSchema.names(producer.path("outputs").path("parameters"))
                .contains(m.group(2))) {
          problems.add(where + ": task " + from + " has no output " + m.group(2));
        }
      }
    }
    for (String task : deps.keySet()) {
      if (reaches(deps, task, task)) {
        problems.add(where + ": dependencies form a cycle through " + task);
      }
    }
    for (String ref : ArgoSchema.references(dag, "workflow.parameters")) {
      if (!declared.contains(ref)) {
        problems.add(where + ": {{workflow.parameters." + ref + "}} is not declared");
      }
    }
  }

  private static String templateOf(JsonNode dag, String task) {
    for (JsonNode t : dag.path("tasks")) {
      if (t.path("name").asText().equals(task)) {
        return t.path("template").asText();
      }
    }
    return "";
  }

  /** The template a task runs; for a templateRef, also checks the parameters it reads. */
  private static JsonNode target(
      String where,
      JsonNode task,
      Map<String, JsonNode> local,
      List<Manifest> set,
      Set<String> declared,
      List<String> problems) {
    String name = task.path("name").asText();
    if (task.has("template") == task.has("templateRef")) {
      problems.add(where + ": task " + name + " needs exactly one of template and templateRef");
      return null;
    }
    if (task.has("template")) {
      JsonNode t = local.get(task.get("template").asText());
      if (t == null) {
        problems.add(
            where
                + ": task "
                + name
                + " runs template "
                + task.get("template").asText()
                + ", which does not exist");
      }
      return t;
    }
    String other = task.path("templateRef").path("name").asText();
    String inner = task.path("templateRef").path("template").asText();
    JsonNode spec =
        set.stream()
            .filter(m -> m.kind().equals("WorkflowTemplate") && m.name().equals(other))
            .map(m -> m.object().path("spec"))
            .findFirst()
            .orElse(null);
    if (spec == null || !ArgoSchema.templates(spec).containsKey(inner)) {
      problems.add(
          where
              + ": task "
              + name
              + " refers to "
              + other
              + "/"
              + inner
              + ", which is not installed with it");
      return null;
    }
    // The referenced templates run inside this workflow and read its parameters.
    for (String ref : ArgoSchema.references(spec.path("templates"), "workflow.parameters")) {
      if (!declared.contains(ref)) {
        problems.add(
            where
                + ": task "
                + name
                + " runs "
                + other
                + " templates that read {{workflow"
                + ".parameters."
                + ref
                + "}}, which this template does not declare");
      }
    }
    return ArgoSchema.templates(spec).get(inner);
  }
}

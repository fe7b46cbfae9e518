package org.dalle.jobs.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dalle.jobs.train.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a WorkflowTemplate's DAG on this machine, the way Argo runs it on a cluster: tasks in
 * dependency order (one at a time), each container step's args with the workflow's parameters, the
 * step's inputs and earlier tasks' outputs filled in, the pods' mount paths mapped to local folders
 * ({@link MountPaths}), run through the dalle CLI by a {@link StepLauncher}. Output parameters are
 * read from the files their {@code valueFrom.path} names, as Argo's executor does. A task whose
 * {@code when} condition ({@link WhenCondition}) does not hold is left out, as Argo skips it; a
 * step that runs its own {@code command} instead of the image's dalle (a Flex Template launch with
 * gcloud) cannot run here and is refused.
 *
 * <p>It stops at the first step that fails and returns its exit code. Every finished step is
 * recorded in a state file under the runs folder, with its args and outputs; running the same
 * workflow again skips the steps recorded with the same args whose dependencies were skipped too,
 * so a run resumes where it stopped, and a changed parameter reruns the steps it reaches.
 */
public final class LocalWorkflowRun {
  private static final Logger LOG = LoggerFactory.getLogger(LocalWorkflowRun.class);

  private static final Pattern TAG =
      Pattern.compile(
          "\\{\\{\\s*(workflow\\.parameters|inputs\\.parameters|tasks\\.([A-Za-z0-9_-]+)\\.outputs"
              + "\\.parameters)\\.([A-Za-z0-9_-]+)\\s*}}");
  private static final Pattern ANY_TAG = Pattern.compile("\\{\\{[^}]*}}");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What a run did: the exit code (0, or the failed step's), and the steps run and skipped. */
  public record Result(int exitCode, List<String> ran, List<String> skipped, String failedStep) {}

  private final WorkflowTemplateFile workflow;
  private final Map<String, String> parameters;
  private final MountPaths mounts;
  private final Path workdir;
  private final StepLauncher launcher;
  private final Path stateDir;
  private final ObjectNode state;
  private final List<String> ran = new ArrayList<>();
  private final List<String> skipped = new ArrayList<>();

  /**
   * @param workflow the template to run from its entry point
   * @param given the {@code -p} parameters; each must be one the template declares
   * @param mounts the pods' mount paths and their local folders; {@code /runs} holds the state
   * @param workdir where relative paths in the args are read from (the image's {@code /app})
   * @param launcher runs one step's args
   */
  public LocalWorkflowRun(
      WorkflowTemplateFile workflow,
      Map<String, String> given,
      MountPaths mounts,
      Path workdir,
      StepLauncher launcher)
      throws IOException {
    for (String name : given.keySet()) {
      if (!workflow.parameters().containsKey(name)) {
        throw new IllegalArgumentException(
            "-p "
                + name
                + ": "
                + workflow.name()
                + " has no such parameter; it takes "
                + workflow.parameters().keySet());
      }
    }
    this.workflow = workflow;
    this.parameters = new LinkedHashMap<>(workflow.parameters());
    this.parameters.putAll(given);
    this.mounts = mounts;
    this.workdir = workdir;
    this.launcher = launcher;
    String runName = parameters.getOrDefault("run-name", null);
    String id = workflow.name() + (runName == null ? "" : "-" + runName);
    Path runs = Path.of(mounts.local("/runs"));
    this.stateDir = runs.resolve(".workflows").resolve(id);
    Path file = stateDir.resolve("state.json");
    this.state =
        Files.exists(file)
            ? (ObjectNode) JSON.readTree(file.toFile())
            : JSON.createObjectNode().put("workflow", workflow.name());
    if (!state.has("tasks")) {
      state.putObject("tasks");
    }
  }

  private ObjectNode tasks() {
    return (ObjectNode) state.get("tasks");
  }

  /** Where the state file and the step logs are. */
  public Path stateDir() {
    return stateDir;
  }

  /** Runs the workflow from its entry point. */
  public Result run() throws IOException, InterruptedException {
    int code = runTemplate(workflow, workflow.entrypoint(), Map.of(), "", false);
    String failed = code == 0 ? null : failedStep;
    return new Result(code, List.copyOf(ran), List.copyOf(skipped), failed);
  }

  private String failedStep;

  /**
   * Runs {@code name} of {@code file} with {@code inputs}; returns 0 or the failing exit code. With
   * {@code rerun}, steps run even when recorded as done (something they depend on ran again).
   */
  private int runTemplate(
      WorkflowTemplateFile file,
      String name,
      Map<String, String> inputs,
      String path,
      boolean rerun)
      throws IOException, InterruptedException {
    JsonNode template = file.template(name);
    if (template.has("dag")) {
      return runDag(file, template.get("dag"), inputs, path, rerun);
    }
    if (template.has("container")) {
      return runStep(template, inputs, path, rerun);
    }
    throw new IllegalArgumentException(
        "template " + name + " is neither a dag nor a container; the local runner runs those two");
  }

  private int runDag(
      WorkflowTemplateFile file,
      JsonNode dag,
      Map<String, String> inputs,
      String path,
      boolean rerun)
      throws IOException, InterruptedException {
    Map<String, JsonNode> tasks = new LinkedHashMap<>();
    dag.path("tasks").forEach(t -> tasks.put(t.path("name").asText(), t));
    // Tasks that ran in this invocation: whatever depends on them runs again too, since its
    // inputs (their outputs) may have changed even where its args did not.
    Set<String> ranNow = new LinkedHashSet<>();
    for (String task : order(tasks)) {
      JsonNode t = tasks.get(task);
      String name = path.isEmpty() ? task : path + "/" + task;
      boolean stale = rerun;
      for (JsonNode dep : t.path("dependencies")) {
        stale |= ranNow.contains(dep.asText());
      }
      if (t.has("when")) {
        String condition = fill(t.get("when").asText(), inputs, name);
        if (!WhenCondition.holds(condition)) {
          LOG.info(String.format("%-20s not run: its when (%s) does not hold", name, condition));
          continue;
        }
      }
      Map<String, String> taskInputs = new LinkedHashMap<>();
      for (JsonNode p : t.path("arguments").path("parameters")) {
        // Filled in as the task itself: {{tasks.X...}} names a sibling in this DAG.
        taskInputs.put(p.path("name").asText(), fill(p.path("value").asText(), inputs, name));
      }
      WorkflowTemplateFile target = file;
      String templateName = t.path("template").asText();
      if (t.has("templateRef")) {
        target = file.sibling(t.get("templateRef").path("name").asText());
        templateName = t.get("templateRef").path("template").asText();
      }
      int before = ran.size();
      int code = runTemplate(target, templateName, taskInputs, name, stale);
      if (code != 0) {
        return code;
      }
      if (ran.size() > before) {
        ranNow.add(task);
      }
    }
    return 0;
  }

  /** Task names in an order that puts every task after its dependencies, else as written. */
  static List<String> order(Map<String, JsonNode> tasks) {
    Set<String> done = new LinkedHashSet<>();
    while (done.size() < tasks.size()) {
      boolean progress = false;
      for (Map.Entry<String, JsonNode> t : tasks.entrySet()) {
        if (done.contains(t.getKey())) {
          continue;
        }
        boolean ready = true;
        for (JsonNode dep : t.getValue().path("dependencies")) {
          if (!tasks.containsKey(dep.asText())) {
            throw new IllegalArgumentException(
                "task " + t.getKey() + " depends on " + dep.asText() + ", which is not a task");
          }
          ready &= done.contains(dep.asText());
        }
        if (ready) {
          done.add(t.getKey());
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalArgumentException(
            "the tasks' dependencies form a cycle: " + tasks.keySet());
      }
    }
    return List.copyOf(done);
  }

  private int runStep(JsonNode template, Map<String, String> given, String task, boolean rerun)
      throws IOException, InterruptedException {
    JsonNode command = template.path("container").path("command");
    if (!command.isMissingNode()) {
      throw new IllegalArgumentException(
          "task "
              + task
              + " runs its own command "
              + command
              + " in image "
              + template.path("container").path("image").asText()
              + ", not a dalle step; dalle workflow run runs dalle steps only: choose the parameters"
              + " that select them (for a Dataflow step, -p dataflow-launch=direct)");
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    for (JsonNode p : template.path("inputs").path("parameters")) {
      String name = p.path("name").asText();
      String value = given.containsKey(name) ? given.get(name) : p.path("value").asText(null);
      if (value == null) {
        throw new IllegalArgumentException("task " + task + " gives no value for input " + name);
      }
      inputs.put(name, value);
    }
    List<String> args = new ArrayList<>();
    for (JsonNode arg : template.path("container").path("args")) {
      args.add(mounts.map(fill(arg.asText(), inputs, task)));
    }
    mapConfigFile(args, task);
    ObjectNode tasks = tasks();
    JsonNode recorded = tasks.get(task);
    if (!rerun
        && recorded != null
        && JSON.convertValue(args, JsonNode.class).equals(recorded.get("args"))) {
      LOG.info(String.format("%-20s done before, skipped", task));
      skipped.add(task);
      return 0;
    }
    Files.createDirectories(stateDir.resolve("logs"));
    Path log = stateDir.resolve("logs").resolve(task.replace('/', '-') + ".log");
    LOG.info(String.format("%-20s dalle %s", task, String.join(" ", args)));
    long start = System.nanoTime();
    int code = launcher.run(args, log);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      failedStep = task;
      StringBuilder failure =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-20s failed with exit code %d after %.1f s; log %s:",
                  task,
                  code,
                  seconds,
                  log));
      for (String line : tail(log, 20)) {
        failure.append("\n  | ").append(line);
      }
      LOG.error(failure.toString());
      return code;
    }
    ObjectNode outputs = JSON.createObjectNode();
    for (JsonNode p : template.path("outputs").path("parameters")) {
      String podPath = fill(p.path("valueFrom").path("path").asText(), inputs, task);
      Path local = Path.of(mounts.local(podPath));
      if (!Files.isRegularFile(local)) {
        failedStep = task;
        LOG.error(
            String.format(
                "%-20s wrote no %s (%s), its output parameter %s",
                task, podPath, local, p.path("name").asText()));
        return 1;
      }
      outputs.put(p.path("name").asText(), Files.readString(local, StandardCharsets.UTF_8).trim());
    }
    ObjectNode record = tasks.putObject(task);
    record.set("args", JSON.convertValue(args, JsonNode.class));
    record.set("outputs", outputs);
    record.put("seconds", Math.round(seconds * 10) / 10.0);
    Files.createDirectories(stateDir);
    AtomicFiles.writeString(stateDir.resolve("state.json"), JSON.writeValueAsString(state));
    LOG.info(String.format(Locale.ROOT, "%-20s done in %.1f s", task, seconds));
    ran.add(task);
    return 0;
  }

  /**
   * A {@code --config=FILE} names pod paths inside the file (e.g. {@code features:
   * torchscript:/models/...}): the step gets a copy with them mapped, like its args.
   */
  private void mapConfigFile(List<String> args, String task) throws IOException {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).startsWith("--config=")) {
        Path config = workdir.resolve(args.get(i).substring("--config=".length()));
        if (!Files.isRegularFile(config)) {
          continue; // the step itself reports the missing file
        }
        Path mapped = stateDir.resolve("configs").resolve(task.replace('/', '-') + ".yaml");
        Files.createDirectories(mapped.getParent());
        AtomicFiles.writeString(mapped, mounts.map(Files.readString(config)));
        args.set(i, "--config=" + mapped);
      }
    }
  }

  /** {@code text} with every {@code {{...}}} filled in; an unknown or unset one is an error. */
  private String fill(String text, Map<String, String> inputs, String task) {
    Matcher m = TAG.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group(1).equals("workflow.parameters")) {
        if (!parameters.containsKey(m.group(3))) {
          throw new IllegalArgumentException(
              "task "
                  + task
                  + " uses workflow parameter "
                  + m.group(3)
                  + ", which is not declared");
        }
        value = parameters.get(m.group(3));
        if (value == null) {
          throw new IllegalArgumentException(
              "workflow parameter " + m.group(3) + " has no value: pass -p " + m.group(3) + "=...");
        }
      } else if (m.group(1).equals("inputs.parameters")) {
        value = inputs.get(m.group(3));
      } else {
        String prefix = task.contains("/") ? task.substring(0, task.lastIndexOf('/') + 1) : "";
        JsonNode outputs = tasks().path(prefix + m.group(2)).path("outputs");
        value = outputs.path(m.group(3)).isTextual() ? outputs.get(m.group(3)).asText() : null;
      }
      if (value == null) {
        throw new IllegalArgumentException("task " + task + ": nothing defines " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    Matcher left = ANY_TAG.matcher(out);
    if (left.find()) {
      throw new IllegalArgumentException(
          "task " + task + ": the local runner cannot fill " + left.group() + " in " + text);
    }
    return out.toString();
  }

  private static List<String> tail(Path log, int lines) throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }
}

package org.dalle.jobs.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.jobs.cli.ConfiguredJob;
import org.dalle.jobs.cli.DalleCommand;
import org.dalle.jobs.submit.WorkflowParameters;
import org.dalle.jobs.workflow.WorkflowTemplateFile;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Checks one command of the documentation without running it. A {@code dalle} command is parsed by
 * the real CLI; a job's command is then resolved to its validated config as the job would resolve
 * it before doing any work (paths under {@code runs/} and absolute paths mapped into a scratch
 * folder, the caption file {@code sample} reads written there first); {@code dalle workflow run}
 * and {@code dalle submit --template} have their parameters checked against the WorkflowTemplate.
 * Other programs have the files they name checked: Maven modules and test classes, scripts,
 * kustomize folders, Dockerfiles. Programs whose commands cannot be checked here are listed in
 * {@link #UNCHECKED} with the reason; any other program fails the check, so a new kind of command
 * needs a check or a reason.
 */
public final class DocCommandCheck {
  /** Programs (or program and first argument) not checked here, and why. */
  static final Map<String, String> UNCHECKED =
      Map.of(
          "gcloud", "launches a Dataflow job in a Google Cloud project",
          "pip", "installs from PyPI, which the build machine need not reach",
          "sudo", "installs system packages",
          "docker push", "publishes to a container registry",
          "docker tag", "names an image in a container registry",
          "kubectl get", "reads from a cluster",
          "kubectl logs", "reads from a cluster");

  /** A path at the start of a word or after {@code =}, {@code :} or {@code ,}. */
  private static final Pattern PATH_LIKE =
      Pattern.compile("(?<![^=:,])(?:\\./)?([A-Za-z0-9_.][A-Za-z0-9_.-]*(?:/[^,@\\s:]*)+)");

  private static final Pattern ABSOLUTE = Pattern.compile("(?<![^=:,])/(?!/)[^,@\\s:]*");

  /** Top-level folders whose paths are outputs, not files of the repository. */
  private static final List<String> OUTPUT_FOLDERS = List.of("runs", "target");

  /** What was checked, or why nothing was. */
  public record Verdict(boolean checked, String what) {}

  private final Path repo;
  private final Path scratch;

  /**
   * @param repo the repository root, which relative paths of the commands are read from
   * @param scratch an empty folder that stands in for {@code runs/} and for absolute paths
   */
  public DocCommandCheck(Path repo, Path scratch) {
    this.repo = repo.toAbsolutePath().normalize();
    this.scratch = scratch.toAbsolutePath().normalize();
  }

  /**
   * Checks {@code command}.
   *
   * @throws AssertionError naming the command and what is wrong with it
   */
  public Verdict check(DocCommand command) {
    String program = command.program();
    String reason = UNCHECKED.get(program);
    if (reason == null && !command.args().isEmpty()) {
      reason = UNCHECKED.get(program + " " + command.args().get(0));
    }
    checkCitedFiles(command);
    if (reason != null) {
      return new Verdict(false, reason);
    }
    return switch (program) {
      case "./dalle", "dalle" -> checkDalle(command);
      case "./mvnw" -> checkMaven(command);
      case "python3" -> checkScript(command, "python3");
      case "node" -> checkScript(command, "node");
      case "npm" -> checkNpm(command);
      case "cd" -> checkCd(command);
      case "kubectl" -> checkKubectl(command);
      case "docker" -> checkDocker(command);
      default -> checkExecutable(command);
    };
  }

  private Verdict checkDalle(DocCommand command) {
    List<String> args = command.args();
    for (String arg : args) {
      if (arg.equals("...") || arg.equals("…") || arg.startsWith("[")) {
        throw new AssertionError(
            command + ": write the whole command; '" + arg + "' cannot be run or checked");
      }
    }
    ParseResult parsed;
    try {
      parsed = DalleCommand.commandLine().parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(command + ": dalle rejects it: " + e.getMessage(), e);
    }
    while (parsed.hasSubcommand()) {
      parsed = parsed.subcommand();
    }
    String name = parsed.commandSpec().qualifiedName(" ");
    Object job = parsed.commandSpec().userObject();
    if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
      return new Verdict(true, name + ": parsed (help)");
    }
    if (parsed.hasMatchedOption("--config")) {
      String config = parsed.matchedOption("--config").getValue().toString();
      if (!Files.isRegularFile(repo.resolve(command.dir()).resolve(config))) {
        throw new AssertionError(command + ": --config " + config + " is not a file");
      }
    }
    if (job instanceof ConfiguredJob) {
      resolve(command, name);
      return new Verdict(true, name + ": parsed and resolved to a valid config");
    }
    if (name.equals("dalle workflow run")) {
      checkWorkflowRun(command, parsed);
      return new Verdict(true, name + ": parsed, parameters checked against the template");
    }
    if (name.equals("dalle submit")) {
      checkSubmit(command, parsed);
      return new Verdict(true, name + ": parsed, template or Job spec checked");
    }
    return new Verdict(true, name + ": parsed");
  }

  /** Resolves a job's command line to its config, as the job does before any work. */
  private void resolve(DocCommand command, String name) {
    List<String> mapped = new ArrayList<>();
    for (String arg : command.args()) {
      mapped.add(mapPaths(command.dir(), arg));
    }
    try {
      if (name.equals("dalle sample")) {
        writeCaptionsIfMissing(mapped);
      }
      DalleCommand.resolveConfig(mapped.toArray(String[]::new));
    } catch (CommandLine.ParameterException
        | IllegalArgumentException
        | IllegalStateException
        | IOException e) {
      throw new AssertionError(
          command
              + ": "
              + name
              + " would refuse it: "
              + e.getMessage()
              + " (resolved "
              + mapped
              + ")",
          e);
    }
  }

  /**
   * {@code arg} with paths mapped: under {@code runs/} and absolute ones into the scratch folder,
   * other relative ones to the repository (where {@code configs/} is).
   */
  String mapPaths(String dir, String arg) {
    StringBuilder out = new StringBuilder();
    Matcher m = Pattern.compile(ABSOLUTE.pattern() + "|" + PATH_LIKE.pattern()).matcher(arg);
    while (m.find()) {
      String path = m.group();
      String local;
      if (path.startsWith("/")) {
        local = scratch.resolve(path.substring(1)).toString();
      } else {
        String relative = path.startsWith("./") ? path.substring(2) : path;
        String top = relative.split("/")[0];
        local =
            OUTPUT_FOLDERS.contains(top)
                ? scratch.resolve(relative).toString()
                : repo.resolve(dir).resolve(relative).normalize().toString();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(local));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@code dalle sample} reads its caption file while resolving: one caption stands in for it, in
   * the scratch folder only (a caption file elsewhere must exist).
   */
  private void writeCaptionsIfMissing(List<String> args) throws IOException {
    for (int i = 0; i < args.size(); i++) {
      String file = null;
      if (args.get(i).equals("--captions") && i + 1 < args.size()) {
        file = args.get(i + 1);
      } else if (args.get(i).startsWith("--captions=")) {
        file = args.get(i).substring("--captions=".length());
      }
      if (file != null
          && !file.contains("*")
          && !file.contains("://")
          && Path.of(file).toAbsolutePath().normalize().startsWith(scratch)
          && !Files.exists(Path.of(file))) {
        Path path = Path.of(file);
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.writeString(
            path,
            file.endsWith(".jsonl")
                ? "{\"id\": \"c0\", \"caption\": \"a red square\"}\n"
                : "a red square\n");
      }
    }
  }

  private void checkWorkflowRun(DocCommand command, ParseResult parsed) {
    String file = parsed.matchedPositional(0).getValue().toString();
    Path path = repo.resolve(command.dir()).resolve(file);
    if (!Files.isRegularFile(path)) {
      throw new AssertionError(command + ": " + file + " is not a file");
    }
    WorkflowTemplateFile template = WorkflowTemplateFile.read(path);
    Map<String, String> given = parsed.matchedOptionValue("-p", Map.of());
    for (String name : given.keySet()) {
      if (!template.parameters().containsKey(name)) {
        throw new AssertionError(
            command
                + ": "
                + template.name()
                + " has no parameter "
                + name
                + "; it takes "
                + template.parameters().keySet());
      }
    }
    for (String required : template.required()) {
      if (!given.containsKey(required)) {
        throw new AssertionError(command + ": " + template.name() + " needs -p " + required + "=…");
      }
    }
  }

  private void checkSubmit(DocCommand command, ParseResult parsed) {
    if (parsed.hasMatchedOption("--job")) {
      String stage = parsed.matchedOption("--job").getValue().toString();
      if (!Files.isRegularFile(repo.resolve("k8s/base/jobs").resolve(stage + ".yaml"))) {
        throw new AssertionError(command + ": no Job spec k8s/base/jobs/" + stage + ".yaml");
      }
      return;
    }
    String name = parsed.matchedOption("--template").getValue().toString();
    JsonNode template = workflowTemplate(name);
    if (template == null) {
      throw new AssertionError(
          command + ": no WorkflowTemplate " + name + " in k8s/base/workflows/");
    }
    try {
      WorkflowParameters.check(name, template, parsed.matchedOptionValue("-p", Map.of()));
    } catch (RuntimeException e) {
      throw new AssertionError(command + ": " + e.getMessage(), e);
    }
  }

  /** The WorkflowTemplate named {@code name} among the base's, as a JSON tree; null if none. */
  private JsonNode workflowTemplate(String name) {
    try (Stream<Path> files = Files.list(repo.resolve("k8s/base/workflows"))) {
      for (Path file : files.sorted().toList()) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Object doc : yaml.loadAll(Files.readString(file))) {
          JsonNode node = new ObjectMapper().valueToTree(doc);
          if (node != null
              && node.path("kind").asText().equals("WorkflowTemplate")
              && node.path("metadata").path("name").asText().equals(name)) {
            return node;
          }
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read k8s/base/workflows: " + e, e);
    }
    return null;
  }

  private Verdict checkMaven(DocCommand command) {
    requireFile(command, "mvnw");
    List<String> args = command.args();
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String modules = arg.equals("-pl") && i + 1 < args.size() ? args.get(++i) : null;
      if (arg.startsWith("-pl=") || arg.startsWith("--projects=")) {
        modules = arg.substring(arg.indexOf('=') + 1);
      }
      if (modules != null) {
        for (String module : modules.split(",")) {
          requireFile(command, module + "/pom.xml");
          checked.add("module " + module);
        }
      }
      if (arg.startsWith("-Dtest=")) {
        for (String test : arg.substring("-Dtest=".length()).split(",")) {
          String className = test.split("#")[0];
          if (!testClassExists(className)) {
            throw new AssertionError(command + ": no test class " + className);
          }
          checked.add("test " + className);
        }
      }
    }
    return new Verdict(true, "./mvnw exists" + (checked.isEmpty() ? "" : "; " + checked));
  }

  private boolean testClassExists(String className) {
    try (Stream<Path> files = Files.walk(repo, 12)) {
      return files.anyMatch(
          p ->
              p.getFileName().toString().equals(className + ".java")
                  && p.toString().contains("/src/test/"));
    } catch (IOException e) {
      throw new AssertionError("cannot list " + repo + ": " + e, e);
    }
  }

  private Verdict checkScript(DocCommand command, String interpreter) {
    String script =
        command.args().stream().filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    if (script == null) {
      throw new AssertionError(command + ": " + interpreter + " without a script");
    }
    requireFile(command, script);
    return new Verdict(true, script + " exists");
  }

  private Verdict checkNpm(DocCommand command) {
    requireFile(command, "package.json");
    return new Verdict(true, "package.json exists in " + command.dir());
  }

  private Verdict checkCd(DocCommand command) {
    if (command.args().size() != 1
        || !Files.isDirectory(repo.resolve(command.dir()).resolve(command.args().get(0)))) {
      throw new AssertionError(command + ": not a folder of the repository");
    }
    return new Verdict(true, "folder exists");
  }

  private Verdict checkKubectl(DocCommand command) {
    List<String> args = command.args();
    String folder = null;
    if (args.size() >= 3 && args.get(0).equals("apply") && args.get(1).equals("-k")) {
      folder = args.get(2);
    } else if (args.size() >= 2 && args.get(0).equals("kustomize")) {
      folder = args.get(1);
    }
    if (folder == null) {
      throw new AssertionError(
          command
              + ": only kubectl apply -k and kubectl kustomize are checked; add a check or a"
              + " reason to DocCommandCheck.UNCHECKED");
    }
    requireFile(command, folder + "/kustomization.yaml");
    return new Verdict(true, folder + " is a kustomization");
  }

  private Verdict checkDocker(DocCommand command) {
    List<String> args = command.args();
    if (args.isEmpty() || !args.get(0).equals("build")) {
      throw new AssertionError(
          command
              + ": only docker build is checked; add a check or a reason to"
              + " DocCommandCheck.UNCHECKED");
    }
    int f = args.indexOf("-f");
    if (f < 0 || f + 1 >= args.size()) {
      throw new AssertionError(command + ": docker build without -f DOCKERFILE");
    }
    requireFile(command, args.get(f + 1));
    if (!Files.isDirectory(repo.resolve(command.dir()).resolve(args.get(args.size() - 1)))) {
      throw new AssertionError(command + ": the build context is not a folder");
    }
    return new Verdict(true, args.get(f + 1) + " exists");
  }

  private Verdict checkExecutable(DocCommand command) {
    Path file = repo.resolve(command.dir()).resolve(command.program());
    if (!command.program().contains("/") || !Files.isRegularFile(file)) {
      throw new AssertionError(
          command
              + ": "
              + command.program()
              + " is neither a program checked here nor a file of"
              + " the repository; add a check or a reason to DocCommandCheck.UNCHECKED");
    }
    if (!Files.isExecutable(file)) {
      throw new AssertionError(command + ": " + command.program() + " is not executable");
    }
    return new Verdict(true, command.program() + " exists and is executable");
  }

  /**
   * Every relative path a command names under one of the repository's own top-level folders (such
   * as {@code configs/}, {@code k8s/}, {@code scripts/}) must exist, whether or not the command is
   * otherwise checked.
   */
  private void checkCitedFiles(DocCommand command) {
    Path dir = repo.resolve(command.dir());
    for (String word : command.words()) {
      Matcher m = PATH_LIKE.matcher(word);
      while (m.find()) {
        String path = m.group(1);
        String top = path.split("/")[0];
        if (OUTPUT_FOLDERS.contains(top)
            || path.contains("*")
            || !Files.isDirectory(dir.resolve(top))) {
          continue;
        }
        if (!Files.exists(dir.resolve(path))) {
          throw new AssertionError(command + ": " + path + " does not exist");
        }
      }
    }
  }

  private void requireFile(DocCommand command, String file) {
    if (!Files.isRegularFile(repo.resolve(command.dir()).resolve(file))) {
      throw new AssertionError(
          command
              + ": "
              + file
              + " is not a file"
              + (command.dir().isEmpty() ? "" : " in " + command.dir()));
    }
  }
}

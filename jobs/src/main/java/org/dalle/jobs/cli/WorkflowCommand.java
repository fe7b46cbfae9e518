package org.dalle.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.workflow.JvmStepLauncher;
import org.dalle.jobs.workflow.LocalWorkflowRun;
import org.dalle.jobs.workflow.MountPaths;
import org.dalle.jobs.workflow.WorkflowTemplateFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dalle workflow}: Argo WorkflowTemplates on this machine. */
@Command(
    name = "workflow",
    mixinStandardHelpOptions = true,
    header = "Run an Argo WorkflowTemplate on this machine (the local mode of dalle submit).",
    subcommands = {WorkflowCommand.Run.class})
public final class WorkflowCommand implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkflowCommand.class);

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code dalle workflow run TEMPLATE -p NAME=VALUE…}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      header = "Run a WorkflowTemplate's DAG here: each step's container args through this CLI.",
      sortOptions = false,
      description = {
        "Reads the WorkflowTemplate in FILE (e.g. k8s/base/workflows/training.yaml) and runs its DAG from the entry point, one step at a time in dependency order, as Argo would on a cluster: each step's container args with {{workflow.parameters.*}}, {{inputs.parameters.*}} and {{tasks.*.outputs.parameters.*}} filled in, and the pods' mount paths /runs, /data and /models mapped to --runs, --data and --models. Each step runs as `dalle ARGS` in a new JVM in --workdir (the image's /app, where configs/ is); its output goes to RUNS/.workflows/<template>-<run-name>/logs/<step>.log.",
        "Stops at the first step that fails, prints the end of its log and exits with its exit code. Finished steps are recorded (state.json beside the logs); running the same command again skips those whose args are unchanged and whose dependencies were skipped too, so the run resumes at the step that failed, and a changed parameter reruns every step it reaches. Exit codes: 0 every step succeeded; a step's exit code; 2 bad flags or parameters.",
        ""
      })
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "A WorkflowTemplate YAML file.")
    Path file;

    @Option(
        names = {"-p", "--parameter"},
        paramLabel = "NAME=VALUE",
        description = "A workflow parameter (repeatable); the template's default otherwise.")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(
        names = "--root",
        paramLabel = "DIR",
        defaultValue = "runs/local",
        description =
            "Holds runs/, data/ and models/, the default local folders of the pods' /runs, /data"
                + " and /models. Default: ${DEFAULT-VALUE}.")
    Path root;

    @Option(
        names = "--runs",
        paramLabel = "DIR",
        description = "The local /runs. Default: ROOT/runs.")
    Path runs;

    @Option(
        names = "--data",
        paramLabel = "DIR",
        description = "The local /data. Default: ROOT/data.")
    Path data;

    @Option(
        names = "--models",
        paramLabel = "DIR",
        description = "The local /models. Default: ROOT/models.")
    Path models;

    @Option(
        names = "--workdir",
        paramLabel = "DIR",
        defaultValue = ".",
        description =
            "Where the steps run (relative paths in their args, such as configs/, are read from"
                + " here). Default: the current directory.")
    Path workdir;

    @Option(
        names = "--jvm-option",
        paramLabel = "OPTION",
        description = "An option for each step's JVM (repeatable), e.g. --jvm-option=-Xmx8g.")
    List<String> jvmOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      WorkflowTemplateFile template = WorkflowTemplateFile.read(file);
      Map<String, Path> folders = new LinkedHashMap<>();
      folders.put("/runs", (runs != null ? runs : root.resolve("runs")).toAbsolutePath());
      folders.put("/data", (data != null ? data : root.resolve("data")).toAbsolutePath());
      folders.put("/models", (models != null ? models : root.resolve("models")).toAbsolutePath());
      LocalWorkflowRun run =
          new LocalWorkflowRun(
              template,
              parameters,
              new MountPaths(folders),
              workdir.toAbsolutePath(),
              new JvmStepLauncher(workdir.toAbsolutePath(), jvmOptions));
      long start = System.nanoTime();
      LocalWorkflowRun.Result result = run.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (result.exitCode() == 0) {
        System.out.printf(
            Locale.ROOT,
            "workflow %s: succeeded in %.1f s (%d steps run, %d skipped as done before); state and"
                + " logs in %s%n",
            template.name(),
            seconds,
            result.ran().size(),
            result.skipped().size(),
            run.stateDir());
      } else {
        LOG.error(
            String.format(
                "workflow %s: step %s failed with exit code %d; fix it and run the same command to"
                    + " resume from that step",
                template.name(), result.failedStep(), result.exitCode()));
      }
      return result.exitCode();
    }
  }
}

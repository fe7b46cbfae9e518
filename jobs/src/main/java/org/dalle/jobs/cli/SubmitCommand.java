package org.dalle.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dalle.jobs.submit.ArgoWorkflows;
import org.dalle.jobs.submit.ClusterConnection;
import org.dalle.jobs.submit.ClusterException;
import org.dalle.jobs.submit.RunStatus;
import org.dalle.jobs.submit.RunWatcher;
import org.dalle.jobs.submit.StageJobs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle submit}: runs a workflow (or one stage) on a Kubernetes cluster and watches it. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    header = "Run the chain (an Argo WorkflowTemplate) or one stage (a Job) on a cluster.",
    sortOptions = false,
    description = {
      "With --template, creates an Argo Workflow from the WorkflowTemplate (installed by kubectl apply -k k8s/overlays/<cluster>) with the given parameters, checked against the template first. With --job, creates the stage's batch/v1 Job from k8s/base/jobs (bundled) or from --manifests. Then watches it until it finishes, printing each step as it starts and ends.",
      "Exit codes: 0 succeeded (or submitted, with --no-wait), 1 the run failed or the cluster could not be reached, 2 bad flags or parameters, or the cluster refused the request (not found, not authorised).",
      ""
    })
public final class SubmitCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  static final class What {
    @Option(
        names = "--template",
        required = true,
        paramLabel = "NAME",
        description =
            "WorkflowTemplate to run: dalle-training, dalle-evaluation, dalle-retraining or"
                + " dalle-feature-statistics.")
    String template;

    @Option(
        names = "--job",
        required = true,
        paramLabel = "STAGE",
        description =
            "Run one stage as a Job: prepare, train-dvae, encode, train-transformer, train-clip,"
                + " sample or evaluate.")
    String stage;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  @Option(
      names = {"-p", "--parameter"},
      paramLabel = "NAME=VALUE",
      description = "A workflow parameter (repeatable), e.g. -p run-name=v1.")
  Map<String, String> parameters = new LinkedHashMap<>();

  @Option(
      names = "--run-name",
      paramLabel = "NAME",
      description = "--job: the run whose directory /runs/NAME the stage reads and writes.")
  String runName;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "--job: the jobs image to run instead of the spec's.")
  String image;

  @Option(
      names = "--manifests",
      paramLabel = "FILE",
      description =
          "--job: take the Job dalle-STAGE from this YAML (e.g. kubectl kustomize"
              + " k8s/overlays/cpu > cpu.yaml) instead of the bundled GKE specs.")
  Path manifests;

  @Option(
      names = "--no-wait",
      description = "Print the name and return once created, without watching.")
  boolean noWait;

  @Option(
      names = "--poll-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Seconds between status checks while watching. Default: ${DEFAULT-VALUE}.")
  double pollSeconds;

  @Mixin ClusterOptions cluster = new ClusterOptions();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    checkFlags();
    try {
      ClusterConnection connection = cluster.connect();
      if (what.template != null) {
        ArgoWorkflows argo = new ArgoWorkflows(connection);
        String name = argo.submit(what.template, parameters);
        out.println("submitted workflow " + name + " in namespace " + connection.namespace());
        return noWait ? 0 : watch(() -> argo.status(name), out, name, false);
      }
      StageJobs jobs = new StageJobs(connection);
      String name = jobs.submit(StageJobs.load(what.stage, manifests), runName, image);
      out.println("submitted job " + name + " in namespace " + connection.namespace());
      return noWait ? 0 : watch(() -> jobs.status(name), out, name, true);
    } catch (ClusterException e) {
      err.println("dalle submit: " + e.getMessage());
      return e.exitCode();
    }
  }

  private void checkFlags() {
    if (pollSeconds < 0) {
      throw new IllegalArgumentException("--poll-interval must be >= 0, got " + pollSeconds);
    }
    if (what.template != null) {
      for (String flag : new String[] {"--run-name", "--image", "--manifests"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
          throw new IllegalArgumentException(
              flag + " is for --job; pass workflow parameters with -p NAME=VALUE");
        }
      }
    } else {
      if (!parameters.isEmpty()) {
        throw new IllegalArgumentException(
            "-p is for --template; a --job takes --run-name, --image and --manifests");
      }
      if (runName == null) {
        throw new IllegalArgumentException("--job needs --run-name NAME (the run directory)");
      }
    }
  }

  private int watch(
      java.util.function.Supplier<RunStatus> poll, PrintWriter out, String name, boolean job)
      throws InterruptedException {
    Duration interval = Duration.ofMillis(Math.round(pollSeconds * 1000));
    RunStatus last = new RunWatcher(interval, out).watch(poll);
    RunWatcher.printOutputs(last, out);
    if (!last.succeeded()) {
      spec.commandLine()
          .getErr()
          .printf(
              "dalle submit: %s %s ended %s; see dalle logs %s%s%n",
              job ? "job" : "workflow", name, last.phase(), job ? "--job " : "", name);
      return 1;
    }
    return 0;
  }
}

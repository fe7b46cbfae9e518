package org.dalle.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Stack;
import org.dalle.pipelines.options.DallePipelineOptions;
import org.dalle.pipelines.options.PipelineArgs;
import org.dalle.pipelines.options.Runner;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.UnmatchedArgsBinding;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The Beam side of a pipeline command (a picocli mixin, named {@value #MIXIN}): every argument that
 * is not a flag of the command is a Beam pipeline option, read by Beam's own parser into {@link
 * DallePipelineOptions} ({@link PipelineArgs}), so Beam's flags work as Beam documents them: {@code
 * --runner=DataflowRunner --region=us-central1 --tempLocation=gs://…}. It also holds the command's
 * help, whose {@code --help=INTERFACE} prints Beam's description of a pipeline options interface.
 */
public final class RunnerOptions {
  /** The mixin's name in the commands' specs. */
  public static final String MIXIN = "runner";

  /** Beam's options, as written on the command line: the arguments the command has no flag for. */
  List<String> beamArgs = new ArrayList<>();

  /**
   * Gives the command's unmatched arguments to {@link #beamArgs}. Picocli does not bind an
   * {@code @Unmatched} field of a mixin, and would then drop them with a warning.
   */
  @Spec(Spec.Target.MIXEE)
  void collectUnmatched(CommandSpec command) {
    command.addUnmatchedArgsBinding(
        UnmatchedArgsBinding.forStringCollectionSupplier(new BeamArgs()));
  }

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description =
          "Worker threads: the Direct runner's --targetParallelism (default: CPU count), the Flink"
              + " runner's --parallelism.")
  Integer parallelism;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      preprocessor = HelpInterface.class,
      description = {
        "Show this help message and exit; --help=INTERFACE prints Beam's description of every option of a pipeline options interface instead, e.g. --help=DallePipelineOptions."
      })
  boolean help;

  /** The interface of {@code --help=INTERFACE}; null for the command's own help. */
  String helpInterface;

  @Option(
      names = {"-V", "--version"},
      versionHelp = true,
      description = "Print version information and exit.")
  boolean version;

  // The CLI's names of Beam's options from before Beam read them itself, kept for old scripts and
  // listed in the Beam section of the help (usageSection) rather than among the job's flags.
  @Option(
      names = "--temp-location",
      hidden = true,
      paramLabel = "PATH",
      description = "Old name of Beam's --tempLocation.")
  String tempLocation;

  @Option(
      names = "--worker-machine-type",
      hidden = true,
      paramLabel = "TYPE",
      description = "Old name of Dataflow's --workerMachineType.")
  String workerMachineType;

  @Option(
      names = "--max-workers",
      hidden = true,
      paramLabel = "N",
      description = "Old name of Dataflow's --maxNumWorkers.")
  Integer maxWorkers;

  @Option(
      names = "--flink-master",
      hidden = true,
      paramLabel = "HOST:PORT",
      description = "Old name of Flink's --flinkMaster.")
  String flinkMaster;

  @Option(
      names = "--beam-option",
      hidden = true,
      paramLabel = "--NAME=VALUE",
      description = "A Beam option passed as written, e.g. one whose name is a flag of the job.")
  List<String> passedThrough = new ArrayList<>();

  /** The Beam arguments of the command line, old names translated, each {@code --name=value}. */
  public List<String> toBeamArgs() {
    List<String> args = new ArrayList<>(PipelineArgs.joinValues(beamArgs));
    add(args, "tempLocation", tempLocation);
    add(args, "workerMachineType", workerMachineType);
    add(args, "maxNumWorkers", maxWorkers);
    add(args, "flinkMaster", flinkMaster);
    args.addAll(passedThrough);
    if (parallelism != null) {
      boolean direct =
          runnerArg(args).flatMap(Runner::named).map(r -> r == Runner.DIRECT).orElse(true);
      add(args, direct ? "targetParallelism" : "parallelism", parallelism);
    }
    return args;
  }

  /** Whether the command line names a runner: the Beam variant of a command that has two. */
  public boolean givesRunner() {
    return runnerArg(toBeamArgs()).isPresent();
  }

  /**
   * The pipeline options the command line gives.
   *
   * @throws IllegalArgumentException naming an option Beam refuses and what it expects
   */
  public DallePipelineOptions toPipelineOptions() {
    return PipelineArgs.parse(toBeamArgs());
  }

  /** The section of the usage help that explains the Beam options, for {@link DalleCommand}. */
  static String usageSection() {
    List<String> missing = Runner.missing();
    return String.join(
        System.lineSeparator(),
        "",
        "Beam pipeline options: every other option is Beam's, read by Beam's own parser as Beam",
        "documents it (--name=value or --name value). The most used:",
        "      --runner=RUNNER     DirectRunner (the default), DataflowRunner, FlinkRunner or",
        "                            SparkRunner. This jar holds "
            + String.join(", ", Runner.built()),
        missing.isEmpty()
            ? "                            (all four)."
            : "                            (others: build with "
                + String.join(", ", missing)
                + ").",
        "      --tempLocation=PATH Where the runner keeps temporary files (gs:// on Dataflow).",
        "      --project=ID --region=REGION --maxNumWorkers=N --workerMachineType=TYPE",
        "                          Dataflow: the Google Cloud project, region, autoscaling bound",
        "                            and worker type (e.g. n2-standard-8).",
        "      --flinkMaster=HOST:PORT",
        "                          Flink: the JobManager, or [local] for an embedded cluster.",
        "      --sparkMaster=URL   Spark: local[N] or spark://HOST:PORT.",
        "--help=INTERFACE lists every option of an interface: DallePipelineOptions (Beam's own and",
        "the Direct runner's), DataflowPipelineOptions, FlinkPipelineOptions, SparkPipelineOptions.",
        "The CLI's older names still work: --temp-location, --max-workers, --worker-machine-type,",
        "--flink-master; --beam-option=--NAME=VALUE gives Beam an option whose name is a job flag.",
        "");
  }

  private static Optional<String> runnerArg(List<String> args) {
    String runner = null;
    for (String arg : args) {
      if (arg.startsWith("--runner=")) {
        runner = arg.substring("--runner=".length());
      }
    }
    return Optional.ofNullable(runner);
  }

  private static void add(List<String> args, String name, Object value) {
    if (value != null) {
      args.add("--" + name + "=" + value);
    }
  }

  /** {@link #beamArgs} for picocli, which empties it before each parse. */
  private final class BeamArgs implements IGetter, ISetter {
    @Override
    @SuppressWarnings("unchecked")
    public <T> T get() {
      return (T) beamArgs;
    }

    @Override
    public <T> T set(T value) {
      beamArgs = new ArrayList<>();
      return null;
    }
  }

  /**
   * Takes the INTERFACE of {@code --help=INTERFACE}, Beam's form, which picocli's boolean help
   * option would refuse, and leaves the option set.
   */
  public static final class HelpInterface implements IParameterPreprocessor {
    @Override
    public boolean preprocess(
        Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
      if ("=".equals(info.get("separator")) && !args.isEmpty()) {
        ((RunnerOptions) command.mixins().get(MIXIN).userObject()).helpInterface = args.pop();
        args.push("true");
      }
      return false;
    }
  }
}

package org.dalle.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Option;

/** Beam runner flags shared by every pipeline job (a picocli mixin). */
public final class RunnerOptions {
  @Option(
      names = "--runner",
      paramLabel = "RUNNER",
      defaultValue = "DirectRunner",
      description = {
        "Beam runner: DirectRunner (local, default), DataflowRunner (Google Cloud Dataflow), FlinkRunner or SparkRunner. Default: ${DEFAULT-VALUE}."
      })
  String runner;

  @Option(names = "--project", paramLabel = "ID", description = "Dataflow: Google Cloud project.")
  String project;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "Dataflow: region, e.g. us-central1.")
  String region;

  @Option(
      names = "--temp-location",
      paramLabel = "GCS_PATH",
      description = "Dataflow: gs:// path for temporary files and staging.")
  String tempLocation;

  @Option(
      names = "--worker-machine-type",
      paramLabel = "TYPE",
      description = "Dataflow: worker machine type, e.g. n2-standard-8.")
  String workerMachineType;

  @Option(
      names = "--max-workers",
      paramLabel = "N",
      description = "Dataflow: upper bound for autoscaling workers.")
  Integer maxWorkers;

  @Option(
      names = "--flink-master",
      paramLabel = "HOST:PORT",
      description = "Flink: JobManager address, or [local] for an embedded Flink cluster.")
  String flinkMaster;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Flink: parallelism; Direct runner: worker threads (default: CPU count).")
  Integer parallelism;

  @Option(
      names = "--beam-option",
      paramLabel = "--NAME=VALUE",
      description = {
        "Any other Beam pipeline option, passed through as written (repeatable), e.g. --beam-option=--network=my-vpc."
      })
  List<String> extra = new ArrayList<>();

  /** The Beam arguments these flags stand for. */
  public List<String> toBeamArgs() {
    List<String> args = new ArrayList<>();
    args.add("--runner=" + runner);
    add(args, "project", project);
    add(args, "region", region);
    add(args, "tempLocation", tempLocation);
    add(args, "workerMachineType", workerMachineType);
    add(args, "maxNumWorkers", maxWorkers);
    add(args, "flinkMaster", flinkMaster);
    if (parallelism != null) {
      args.add(
          (runner.equals("DirectRunner") ? "--targetParallelism=" : "--parallelism=")
              + parallelism);
    }
    args.addAll(extra);
    return args;
  }

  public PipelineOptions toPipelineOptions() {
    return PipelineOptionsFactory.fromArgs(toBeamArgs().toArray(String[]::new))
        .withValidation()
        .create();
  }

  private static void add(List<String> args, String name, Object value) {
    if (value != null) {
      args.add("--" + name + "=" + value);
    }
  }
}

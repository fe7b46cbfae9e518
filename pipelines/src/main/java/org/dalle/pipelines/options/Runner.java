package org.dalle.pipelines.options;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Beam runners a dalle jar can hold, and the Maven profile that puts each in: the Direct runner
 * always; Dataflow's by default ({@code -P!dataflow} leaves it out); Flink's and Spark's only when
 * asked for ({@code -Pflink}, {@code -Pspark}), since they pin Jackson to the version their Scala
 * and Flink libraries accept.
 */
public enum Runner {
  DIRECT("DirectRunner", "org.apache.beam.runners.direct.DirectRunner", "", "DirectOptions"),
  DATAFLOW(
      "DataflowRunner",
      "org.apache.beam.runners.dataflow.DataflowRunner",
      "dataflow",
      "DataflowPipelineOptions",
      "project",
      "region",
      "zone",
      "workerZone",
      "numWorkers",
      "maxNumWorkers",
      "workerMachineType",
      "stagingLocation",
      "serviceAccount",
      "network",
      "subnetwork",
      "diskSizeGb",
      "usePublicIps"),
  FLINK(
      "FlinkRunner",
      "org.apache.beam.runners.flink.FlinkRunner",
      "flink",
      "FlinkPipelineOptions",
      "flinkMaster",
      "parallelism",
      "maxParallelism",
      "checkpointingInterval"),
  SPARK(
      "SparkRunner",
      "org.apache.beam.runners.spark.SparkRunner",
      "spark",
      "SparkPipelineOptions",
      "sparkMaster",
      "storageLevel");

  private final String simpleName;
  private final String className;
  private final String profile;
  private final String optionsInterface;
  private final List<String> options;

  Runner(
      String simpleName,
      String className,
      String profile,
      String optionsInterface,
      String... options) {
    this.simpleName = simpleName;
    this.className = className;
    this.profile = profile;
    this.optionsInterface = optionsInterface;
    this.options = List.of(options);
  }

  /** The name {@code --runner} takes, e.g. {@code FlinkRunner}. */
  public String simpleName() {
    return simpleName;
  }

  public String className() {
    return className;
  }

  /** The Maven profile that puts the runner in the jar; empty for the Direct runner. */
  public String profile() {
    return profile;
  }

  /** The simple name of the runner's options interface, for {@code --help=INTERFACE}. */
  public String optionsInterface() {
    return optionsInterface;
  }

  /** Whether this jar holds the runner, i.e. it was built with the runner's profile. */
  public boolean isBuilt() {
    try {
      Class.forName(className, false, Runner.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * The runner a {@code --runner} value names as Beam reads it: its simple name in any case, with
   * or without the {@code Runner} suffix, or its class name; empty for a runner that is not one of
   * these (a test runner, a runner of another project).
   */
  public static Optional<Runner> named(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    String bare = lower.endsWith("runner") ? lower.substring(0, lower.length() - 6) : lower;
    return Arrays.stream(values())
        .filter(
            r ->
                r.className.equals(value)
                    || r.simpleName.toLowerCase(Locale.ROOT).equals(bare + "runner"))
        .findFirst();
  }

  /** The runner not in this jar whose well-known option {@code name} is, if any. */
  static Optional<Runner> unbuiltOwnerOf(String name) {
    return Arrays.stream(values())
        .filter(r -> r.options.contains(name) && !r.isBuilt())
        .findFirst();
  }

  /** How to build a jar that holds this runner. */
  String buildHint() {
    return "build the jar with the Maven profile "
        + profile
        + ": ./mvnw -B -P"
        + profile
        + " -pl jobs -am package -DskipTests";
  }

  /**
   * Fails unless this jar holds the runner a {@code --runner} value names; runners that are not
   * dalle's are left to Beam.
   *
   * @throws IllegalArgumentException naming the runner and the Maven profile to build with
   */
  public static void requireBuilt(String value) {
    Optional<Runner> runner = named(value);
    if (runner.isPresent() && !runner.get().isBuilt()) {
      throw new IllegalArgumentException(
          "--runner="
              + value
              + ": this dalle jar was built without the "
              + runner.get().simpleName
              + "; "
              + runner.get().buildHint());
    }
  }

  /** The runners in this jar, by simple name. */
  public static List<String> built() {
    return Arrays.stream(values()).filter(Runner::isBuilt).map(Runner::simpleName).toList();
  }

  /** The runners this jar lacks, each with its profile: {@code FlinkRunner -Pflink}. */
  public static List<String> missing() {
    return Arrays.stream(values())
        .filter(r -> !r.isBuilt())
        .map(r -> r.simpleName + " -P" + r.profile)
        .toList();
  }
}

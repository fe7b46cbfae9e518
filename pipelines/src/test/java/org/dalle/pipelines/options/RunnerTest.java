package org.dalle.pipelines.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The runners in the class path are those of the active Maven profiles (Maven says which through
 * the {@code dalle.runner.PROFILE} system properties; run elsewhere, the check is skipped), and
 * choosing one that is not there fails with the profile to build with.
 */
class RunnerTest {
  @TestFactory
  Stream<DynamicTest> theClassPathHoldsTheRunnersOfTheActiveProfiles() {
    return Stream.of(Runner.values())
        .map(
            runner ->
                DynamicTest.dynamicTest(
                    runner.simpleName(),
                    () -> {
                      if (runner == Runner.DIRECT) {
                        assertTrue(runner.isBuilt(), "the Direct runner is always in the jar");
                        return;
                      }
                      String active = System.getProperty("dalle.runner." + runner.profile());
                      assumeTrue(active != null, "not run by Maven: no profile to compare with");
                      assertEquals(
                          Boolean.parseBoolean(active),
                          runner.isBuilt(),
                          runner.simpleName()
                              + " in the class path: "
                              + runner.isBuilt()
                              + "; Maven profile "
                              + runner.profile()
                              + " active: "
                              + active);
                    }));
  }

  @TestFactory
  Stream<DynamicTest> choosingARunnerThatIsNotBuiltNamesItsProfile() {
    return Stream.of(Runner.values())
        .filter(runner -> !runner.isBuilt())
        .map(
            runner ->
                DynamicTest.dynamicTest(
                    runner.simpleName(),
                    () -> {
                      IllegalArgumentException e =
                          assertThrows(
                              IllegalArgumentException.class,
                              () -> PipelineArgs.parse(List.of("--runner=" + runner.simpleName())));
                      assertTrue(
                          e.getMessage().contains("built without the " + runner.simpleName()),
                          e.getMessage());
                      assertTrue(
                          e.getMessage().contains("-P" + runner.profile() + " "), e.getMessage());
                    }));
  }

  @Test
  void anOptionOfARunnerThatIsNotBuiltNamesItsProfile() {
    Optional<Runner> missing = Stream.of(Runner.values()).filter(r -> !r.isBuilt()).findFirst();
    assumeTrue(missing.isPresent(), "this build holds every runner");
    String option =
        switch (missing.get()) {
          case DATAFLOW -> "--maxNumWorkers=4";
          case FLINK -> "--flinkMaster=[local]";
          case SPARK -> "--sparkMaster=local[2]";
          case DIRECT -> throw new AssertionError("the Direct runner is always in the jar");
        };
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PipelineArgs.parse(List.of(option)));
    assertTrue(e.getMessage().contains(option.substring(0, option.indexOf('='))), e.getMessage());
    assertTrue(e.getMessage().contains("-P" + missing.get().profile()), e.getMessage());
  }

  /** Each profile's own check: Beam reads the options of the runners the jar holds. */
  @TestFactory
  Stream<DynamicTest> beamReadsTheOptionsOfTheRunnersInTheJar() {
    Map<Runner, String> options =
        Map.of(
            Runner.DIRECT, "--targetParallelism=2",
            Runner.DATAFLOW, "--maxNumWorkers=4",
            Runner.FLINK, "--flinkMaster=[local]",
            Runner.SPARK, "--sparkMaster=local[2]");
    return Stream.of(Runner.values())
        .filter(Runner::isBuilt)
        .map(
            runner ->
                DynamicTest.dynamicTest(
                    runner.simpleName(),
                    () -> {
                      String option = options.get(runner);
                      DallePipelineOptions parsed =
                          PipelineArgs.parse(List.of("--runner=" + runner.simpleName(), option));
                      assertEquals(runner.className(), parsed.getRunner().getName());
                      assertTrue(
                          parsed.toString().contains(option.substring(2).replace("=", ": ")),
                          parsed.toString());
                    }));
  }

  @Test
  void namesAreReadAsBeamReadsThem() {
    for (String name :
        List.of(
            "FlinkRunner", "flinkrunner", "Flink", "org.apache.beam.runners.flink.FlinkRunner")) {
      assertEquals(Optional.of(Runner.FLINK), Runner.named(name), name);
    }
    assertEquals(Optional.empty(), Runner.named("TestFlinkRunner"));
  }
}

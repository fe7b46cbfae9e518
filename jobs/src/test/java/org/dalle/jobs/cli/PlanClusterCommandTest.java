package org.dalle.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.dalle.jobs.cluster.ClusterPlanConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code dalle plan-cluster}: its flags, its table and its JSON. */
class PlanClusterCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void thePaperConfigFileGivesThePapersModel() throws Exception {
    ClusterPlanConfig config =
        (ClusterPlanConfig)
            DalleCommand.resolveConfig(
                "plan-cluster", "--config", "../configs/transformer/paper.yaml");
    assertEquals(ClusterPlanConfig.paper(), config);
    ClusterPlanConfig tiny =
        (ClusterPlanConfig)
            DalleCommand.resolveConfig(
                "plan-cluster",
                "--config",
                "../configs/transformer/tiny.yaml",
                "--nodes",
                "1",
                "--gpus-per-node",
                "2",
                "--powersgd-rank",
                "4");
    assertEquals(128, tiny.model().dModel());
    assertEquals(16, tiny.batchSize()); // configs/transformer/tiny.yaml's batch_size
  }

  @Test
  void widthAndCountSizeThePapersShape() throws Exception {
    ClusterPlanConfig table1 =
        (ClusterPlanConfig)
            DalleCommand.resolveConfig(
                "plan-cluster", "--d-model", "1920", "--powersgd-rank", "512");
    assertEquals(12L * 1920 * 1920 * 64, table1.model().matrixParameters());
    assertEquals(30, table1.model().transformer().heads());
    ClusterPlanConfig counted =
        (ClusterPlanConfig) DalleCommand.resolveConfig("plan-cluster", "--parameters", "12e9");
    assertEquals(12_000_000_000L, counted.model().parameters());
    assertEquals(3968, counted.model().dModel()); // √(12e9 / 768) = 3953, nearest multiple of 64
  }

  @Test
  void printsTheTableAndThePaperChecks() {
    assertEquals(0, run("plan-cluster"), err.toString());
    String text = out.toString();
    assertTrue(text.contains("ZeRO 3 + PowerSGD"), text);
    assertTrue(text.contains("PowerSGD at rank 896 (112 per GPU shard): 85.9%"), text);
    assertTrue(!text.contains("DIFFERS"), text);
  }

  @Test
  void printsJson() throws Exception {
    assertEquals(0, run("plan-cluster", "--json", "--no-ema-on-gpu"), err.toString());
    JsonNode plan = new ObjectMapper().readTree(out.toString());
    assertEquals(5, plan.path("strategies").size());
    assertEquals(false, plan.path("config").path("ema_on_gpu").asBoolean());
    assertEquals(0.0, plan.path("strategies").get(0).path("ema_gb").asDouble());
    assertEquals(0.8589, plan.path("power_sgd").path("paper_rate").asDouble(), 1e-4);
    assertEquals(7, plan.path("paper_checks").size());
  }

  @Test
  void rejectsTwoWaysToSizeTheModel() {
    assertEquals(2, run("plan-cluster", "--d-model", "1920", "--parameters", "3e9"));
    assertTrue(
        err.toString().contains("give one of --config, --d-model and --parameters"),
        err.toString());
  }

  @Test
  void helpExplainsEveryFlag() {
    assertEquals(0, run("plan-cluster", "--help"));
    CommandLine sub = DalleCommand.commandLine().getSubcommands().get("plan-cluster");
    for (var option : sub.getCommandSpec().options()) {
      assertTrue(
          option.description().length > 0 && !option.description()[0].isBlank(),
          option.longestName() + " has no description");
      // a negatable flag shows as --[no-]name
      String name = option.longestName().substring(2);
      assertTrue(out.toString().contains(name), option.longestName());
    }
    assertTrue(!err.toString().contains("WARN"), err.toString());
  }
}

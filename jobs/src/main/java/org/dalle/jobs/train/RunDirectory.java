package org.dalle.jobs.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The output directory of one training run:
 *
 * <pre>
 *   runs/&lt;name&gt;/dvae/
 *     config.yaml      the resolved configuration of the latest invocation
 *     run.json         one entry per invocation (fresh start or resume): versions, seeds, command
 *     checkpoints/     a {@link CheckpointStore}
 *     metrics.jsonl    a {@link MetricsLog}
 * </pre>
 *
 * {@code run.json} keeps every invocation, so a run resumed under another version of the project,
 * DJL or PyTorch shows it.
 */
public final class RunDirectory {

  public static final String CONFIG = "config.yaml";
  public static final String RUN_INFO = "run.json";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String METRICS = "metrics.jsonl";

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates (or reopens) {@code dir}, writes {@code config.yaml} and appends this invocation to
   * {@code run.json}; both files are replaced atomically.
   *
   * @param resolvedConfig the configuration after defaults and overrides, as YAML text
   * @param seeds the seeds the run uses, by name
   * @param commandLine the arguments the job was started with
   */
  public static RunDirectory open(
      Path dir, String resolvedConfig, Map<String, Long> seeds, List<String> commandLine)
      throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve(CONFIG), resolvedConfig);

    Path runInfo = dir.resolve(RUN_INFO);
    ObjectNode root;
    if (Files.exists(runInfo)) {
      JsonNode existing = Checkpoint.JSON.readTree(runInfo.toFile());
      if (!(existing instanceof ObjectNode node) || !node.path("invocations").isArray()) {
        throw new IOException(runInfo + " is not a run.json with an 'invocations' array");
      }
      root = node;
    } else {
      root = Checkpoint.JSON.createObjectNode();
      root.putArray("invocations");
    }
    ObjectNode invocation = ((ArrayNode) root.get("invocations")).addObject();
    invocation.put("started", Instant.now().toString());
    invocation.set("versions", Checkpoint.JSON.valueToTree(versions()));
    invocation.set("seeds", Checkpoint.JSON.valueToTree(seeds));
    invocation.set("command", Checkpoint.JSON.valueToTree(commandLine));
    AtomicFiles.write(
        runInfo, out -> Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
    return new RunDirectory(dir);
  }

  /**
   * The run directory {@code dir} as another process (a rank other than 0) sees it: it reads
   * checkpoints from it and writes nothing.
   */
  public static RunDirectory reading(Path dir) {
    return new RunDirectory(dir);
  }

  /** The versions that decide a run's numbers: this project, DJL, the engine (PyTorch) and Java. */
  public static Map<String, String> versions() {
    Engine engine = Engine.getInstance();
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("project", projectVersion());
    versions.put("djl", Engine.getDjlVersion());
    versions.put("engine", engine.getEngineName());
    versions.put("engine_version", engine.getVersion());
    versions.put("java", System.getProperty("java.version"));
    versions.put("java_vendor", System.getProperty("java.vendor"));
    versions.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    return versions;
  }

  /** This project's version, from a resource Maven fills in at build time. */
  public static String projectVersion() {
    try (InputStream in = RunDirectory.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing beside " + RunDirectory.class.getName());
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("project.version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read version.properties", e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path checkpoints() {
    return dir.resolve(CHECKPOINTS);
  }

  public Path metrics() {
    return dir.resolve(METRICS);
  }

  /** A file of the run directory, e.g. {@code reconstructions.png}. */
  public Path file(String name) {
    return dir.resolve(name);
  }
}

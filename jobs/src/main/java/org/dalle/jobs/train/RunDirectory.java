package org.dalle.jobs.train;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The output directory of one training run:
 *
 * <pre>
 *   runs/&lt;name&gt;/dvae/
 *     config.yaml          the resolved configuration of the latest invocation
 *     config-history.yaml  every invocation's resolved configuration, one YAML document each
 *     run.json             one entry per invocation (fresh start or resume): versions, the source
 *                          commit, the config's hash, the input data's fingerprint, seeds, command
 *     checkpoints/         a {@link CheckpointStore}
 *     metrics.jsonl        a {@link MetricsLog}
 * </pre>
 *
 * {@code run.json} and {@code config-history.yaml} keep every invocation, so a run resumed under
 * another version of the project, DJL or PyTorch, on other data, or with a changed config (which
 * needs {@code --allow-config-change}) shows it.
 */
public final class RunDirectory {

  public static final String CONFIG = "config.yaml";
  public static final String CONFIG_HISTORY = "config-history.yaml";
  public static final String RUN_INFO = "run.json";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String METRICS = "metrics.jsonl";

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Creates (or reopens) {@code dir}, writes {@code config.yaml}, appends the configuration to
   * {@code config-history.yaml} and this invocation to {@code run.json}; every file is replaced
   * atomically.
   *
   * @param resolvedConfig the configuration after defaults and overrides, as YAML text
   * @param seeds the seeds the run uses, by name
   * @param commandLine the arguments the job was started with
   * @param input the data the run reads, if it names one
   * @param configChanges how the configuration differs from the checkpoint this invocation resumes
   *     ({@link ConfigChanges}); empty for a fresh start or an unchanged one
   */
  public static RunDirectory open(
      Path dir,
      String resolvedConfig,
      Map<String, Long> seeds,
      List<String> commandLine,
      Optional<InputFingerprint> input,
      List<String> configChanges)
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
    ArrayNode invocations = (ArrayNode) root.get("invocations");
    String started = Instant.now().toString();
    String hash = configHash(resolvedConfig);
    ObjectNode invocation = invocations.addObject();
    invocation.put("started", started);
    invocation.set("versions", Checkpoint.JSON.valueToTree(versions()));
    invocation.set("source", Checkpoint.JSON.valueToTree(source()));
    invocation.put("config_hash", hash);
    if (!configChanges.isEmpty()) {
      invocation.set("config_changes", Checkpoint.JSON.valueToTree(configChanges));
    }
    input.ifPresent(
        data ->
            invocation
                .putObject("input")
                .put("data", data.path())
                .put("summary_sha256", data.summarySha256()));
    invocation.set("seeds", Checkpoint.JSON.valueToTree(seeds));
    invocation.set("command", Checkpoint.JSON.valueToTree(commandLine));

    Path history = dir.resolve(CONFIG_HISTORY);
    String earlier = Files.exists(history) ? Files.readString(history) : "";
    AtomicFiles.writeString(
        history,
        earlier
            + String.format(
                "--- # invocation %d, started %s, config_hash %s%n",
                invocations.size(), started, hash)
            + resolvedConfig.replaceFirst("^---\\s*\\n", ""));
    AtomicFiles.write(
        runInfo, out -> Checkpoint.JSON.writerWithDefaultPrettyPrinter().writeValue(out, root));
    return new RunDirectory(dir);
  }

  /** {@code sha256:} and the hex SHA-256 of a resolved configuration's YAML text. */
  public static String configHash(String resolvedConfig) {
    return "sha256:" + InputFingerprint.sha256(resolvedConfig.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The source the jar was built from, as the build wrote it into {@code version.properties}:
   * {@code commit} (full hash, or {@code unknown} when built outside a git checkout) and {@code
   * dirty} (whether the work tree had uncommitted changes; null when unknown).
   */
  public static Map<String, Object> source() {
    Properties properties = versionProperties();
    String commit = properties.getProperty("source.commit", "");
    String dirty = properties.getProperty("source.dirty", "");
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("commit", commit.isEmpty() || commit.startsWith("${") ? "unknown" : commit);
    source.put(
        "dirty", dirty.equals("true") || dirty.equals("false") ? Boolean.valueOf(dirty) : null);
    return source;
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
    return versionProperties().getProperty("project.version");
  }

  private static Properties versionProperties() {
    try (InputStream in = RunDirectory.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException(
            "version.properties is missing beside " + RunDirectory.class.getName());
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties;
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

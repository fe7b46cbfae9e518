package org.dalle.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What differs between two resolved configs (the YAML a run directory and every checkpoint keep),
 * key by key, nested keys dotted ({@code model.layers}), so a resumed run can say exactly what it
 * would change. Keys that decide where a run writes or how fast it goes, not what it computes
 * ({@link #OPERATIONAL}), are not changes.
 */
public final class ConfigChanges {

  /**
   * Keys a resumed run may change freely: the output folder, threads, checkpoint cadence, the
   * sharding stage (checkpoints always hold the whole state) and the ranks per machine.
   */
  public static final Set<String> OPERATIONAL =
      Set.of(
          "out", "threads", "checkpoint_every", "keep_checkpoints", "zero_stage", "ranks_per_node");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigChanges() {}

  /**
   * One line per changed key, sorted: {@code steps: 2000 -> 3000}; a key only one side has shows
   * {@code (absent)} on the other.
   *
   * @throws IllegalArgumentException when either text is not a YAML mapping
   */
  public static List<String> between(String before, String after) {
    Map<String, String> old = flatten(before, "the earlier config");
    Map<String, String> now = flatten(after, "this config");
    Set<String> keys = new TreeSet<>(old.keySet());
    keys.addAll(now.keySet());
    List<String> changes = new ArrayList<>();
    for (String key : keys) {
      String a = old.getOrDefault(key, "(absent)");
      String b = now.getOrDefault(key, "(absent)");
      if (!a.equals(b) && !OPERATIONAL.contains(key)) {
        changes.add(key + ": " + a + " -> " + b);
      }
    }
    return changes;
  }

  /** The leaves of a YAML mapping by dotted key; lists are leaves, written as JSON. */
  static Map<String, String> flatten(String yaml, String what) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid YAML: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(what + " is not a YAML mapping of settings");
    }
    Map<String, String> leaves = new TreeMap<>();
    collect(root, "", leaves);
    return leaves;
  }

  private static void collect(JsonNode node, String prefix, Map<String, String> leaves) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        collect(field.getValue(), prefix + field.getKey() + ".", leaves);
      }
      return;
    }
    String key = prefix.substring(0, prefix.length() - 1);
    leaves.put(key, node.isValueNode() ? node.asText() : node.toString());
  }
}

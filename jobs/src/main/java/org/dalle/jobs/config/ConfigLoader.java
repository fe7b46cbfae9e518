package org.dalle.jobs.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Resolves a job config from three layers, later ones winning: the config record's defaults, a YAML
 * file, and command-line overrides. Keys are snake_case; nested records are YAML mappings; an
 * override key may be a dotted path such as {@code source.seed}. An unknown key is an error naming
 * it, so a typo in a config file never silently falls back to a default.
 *
 * <p>A record component marked {@link Inline} is written and read as if its settings were the outer
 * record's own: its keys stand at the top level.
 */
public final class ConfigLoader {
  private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
      (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private ConfigLoader() {}

  /** Loads {@code type} from its defaults, an optional YAML file and overrides. */
  public static <T> T load(
      Class<T> type, T defaults, Path yamlFile, Map<String, Object> overrides) {
    if (yamlFile == null) {
      return load(type, defaults, null, null, overrides);
    }
    if (!Files.isRegularFile(yamlFile)) {
      throw new IllegalArgumentException("config file " + yamlFile + " does not exist");
    }
    try {
      return load(type, defaults, Files.readString(yamlFile), yamlFile.toString(), overrides);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read config file " + yamlFile, e);
    }
  }

  /** Loads {@code type} from its defaults, a YAML file on the class path and overrides. */
  public static <T> T loadResource(
      Class<T> type, T defaults, String resource, Map<String, Object> overrides) {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "config resource " + resource + " is not on the class path");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return load(type, defaults, text, "classpath:" + resource, overrides);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read config resource " + resource, e);
    }
  }

  private static <T> T load(
      Class<T> type, T defaults, String yamlText, String origin, Map<String, Object> overrides) {
    ObjectNode tree = inlined(defaults);
    if (yamlText != null) {
      JsonNode file;
      try {
        file = YAML.readTree(yamlText);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "config file " + origin + " is not valid YAML: " + e.getMessage(), e);
      }
      if (file != null && !file.isMissingNode() && !file.isNull()) {
        if (!file.isObject()) {
          throw new IllegalArgumentException(
              "config file "
                  + origin
                  + " must be a YAML mapping of settings, got "
                  + file.getNodeType());
        }
        merge(tree, (ObjectNode) file, origin);
      }
    }
    overrides.forEach((path, value) -> set(tree, path, YAML.valueToTree(value)));
    try {
      return YAML.treeToValue(nested(type, tree), type);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "invalid "
              + type.getSimpleName()
              + (origin == null ? "" : " in " + origin)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The resolved config as YAML, as written next to every run's outputs. */
  public static String toYaml(Object config) {
    try {
      return YAML.writeValueAsString(inlined(config));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The config as a tree whose {@link Inline} components' settings stand at the top level. */
  private static ObjectNode inlined(Object config) {
    ObjectNode tree = YAML.valueToTree(config);
    for (RecordComponent component : inlineComponents(config.getClass())) {
      String name = SNAKE_CASE.translate(component.getName());
      JsonNode inner = tree.remove(name);
      if (inner != null && inner.isObject()) {
        inner.fields().forEachRemaining(field -> tree.set(field.getKey(), field.getValue()));
      }
    }
    return tree;
  }

  /** The inverse of {@link #inlined}: gathers each {@link Inline} component's keys back. */
  private static ObjectNode nested(Class<?> type, ObjectNode tree) {
    for (RecordComponent component : inlineComponents(type)) {
      ObjectNode inner = tree.objectNode();
      for (RecordComponent setting : component.getType().getRecordComponents()) {
        String key = SNAKE_CASE.translate(setting.getName());
        JsonNode value = tree.remove(key);
        if (value != null) {
          inner.set(key, value);
        }
      }
      tree.set(SNAKE_CASE.translate(component.getName()), inner);
    }
    return tree;
  }

  private static List<RecordComponent> inlineComponents(Class<?> type) {
    if (!type.isRecord()) {
      return List.of();
    }
    return Arrays.stream(type.getRecordComponents())
        .filter(c -> c.isAnnotationPresent(Inline.class) && c.getType().isRecord())
        .toList();
  }

  private static void merge(ObjectNode target, ObjectNode overlay, String origin) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing == null) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + field.getKey()
                + "' in "
                + origin
                + "; known settings: "
                + names(target));
      }
      if (existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, (ObjectNode) field.getValue(), origin);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String path, JsonNode value) {
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (child == null || !child.isObject()) {
        throw new IllegalArgumentException("unknown setting '" + path + "'");
      }
      node = (ObjectNode) child;
    }
    if (!node.has(parts[parts.length - 1])) {
      throw new IllegalArgumentException("unknown setting '" + path + "'; known: " + names(node));
    }
    node.set(parts[parts.length - 1], value);
  }

  private static String names(ObjectNode node) {
    StringBuilder names = new StringBuilder();
    node.fieldNames()
        .forEachRemaining(n -> names.append(names.length() == 0 ? "" : ", ").append(n));
    return names.toString();
  }
}

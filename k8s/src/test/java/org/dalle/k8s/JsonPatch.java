package org.dalle.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON Patch (RFC 6902) operations add, remove, replace and test on a Jackson tree. */
final class JsonPatch {
  private JsonPatch() {}

  static void apply(ObjectNode root, JsonNode op) {
    String kind = op.path("op").asText();
    String path = op.path("path").asText();
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + path);
    }
    int cut = path.lastIndexOf('/');
    JsonNode parent = resolve(root, path.substring(0, cut));
    String last = unescape(path.substring(cut + 1));
    JsonNode value = op.get("value");
    switch (kind) {
      case "test" -> {
        JsonNode current = child(parent, last, path);
        if (!current.equals(value)) {
          throw new IllegalArgumentException(
              "test failed at " + path + ": expected " + value + ", found " + current);
        }
      }
      case "replace" -> {
        child(parent, last, path);
        set(parent, last, value, false);
      }
      case "add" -> set(parent, last, value, true);
      case "remove" -> {
        child(parent, last, path);
        if (parent.isObject()) {
          ((ObjectNode) parent).remove(last);
        } else {
          ((ArrayNode) parent).remove(Integer.parseInt(last));
        }
      }
      default -> throw new IllegalArgumentException("unsupported operation " + kind);
    }
  }

  private static JsonNode resolve(JsonNode root, String pointer) {
    JsonNode node = root;
    if (pointer.isEmpty()) {
      return node;
    }
    for (String part : pointer.substring(1).split("/", -1)) {
      node = child(node, unescape(part), pointer);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String key, String path) {
    JsonNode next = node.isArray() ? node.get(Integer.parseInt(key)) : node.get(key);
    if (next == null) {
      throw new IllegalArgumentException("no value at " + path);
    }
    return next;
  }

  private static void set(JsonNode parent, String key, JsonNode value, boolean insert) {
    if (parent.isObject()) {
      ((ObjectNode) parent).set(key, value);
    } else if (key.equals("-")) {
      ((ArrayNode) parent).add(value);
    } else if (insert) {
      ((ArrayNode) parent).insert(Integer.parseInt(key), value);
    } else {
      ((ArrayNode) parent).set(Integer.parseInt(key), value);
    }
  }

  private static String unescape(String part) {
    return part.replace("~1", "/").replace("~0", "~");
  }
}

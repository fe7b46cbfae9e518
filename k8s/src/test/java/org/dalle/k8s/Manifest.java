package org.dalle.k8s;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One rendered Kubernetes object and where it came from.
 *
 * @param source the file (and overlay) it was read from, for messages
 * @param object the object as JSON
 */
record Manifest(String source, JsonNode object) {
  String kind() {
    return object.path("kind").asText();
  }

  String name() {
    return object.path("metadata").path("name").asText();
  }

  @Override
  public String toString() {
    return kind() + " " + name() + " (" + source + ")";
  }
}

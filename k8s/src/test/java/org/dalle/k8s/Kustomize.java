package org.dalle.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset this project uses:
 * {@code resources} (files and directories), {@code namespace}, {@code images} and {@code patches}
 * given as inline JSON 6902 operations with a kind/name target. Anything else in a
 * kustomization.yaml is an error, so the tests never check something other than what gets applied.
 * YAML anchors and aliases are resolved, as kustomize does.
 */
final class Kustomize {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KNOWN =
      Set.of("apiVersion", "kind", "namespace", "resources", "images", "patches");
  private static final Set<String> CLUSTER_SCOPED =
      Set.of("Namespace", "PersistentVolume", "ClusterRole", "ClusterRoleBinding");

  private Kustomize() {}

  /** Every object the kustomization in {@code dir} produces, in order. */
  static List<Manifest> render(Path dir) throws IOException {
    Path file = dir.resolve("kustomization.yaml");
    JsonNode k = load(file).get(0);
    for (var it = k.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(file + ": unsupported kustomization field " + key);
      }
    }
    List<Manifest> out = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        out.addAll(render(path));
      } else if (Files.isRegularFile(path)) {
        for (JsonNode doc : load(path)) {
          out.add(new Manifest(path.toString(), doc));
        }
      } else {
        throw new IllegalArgumentException(file + ": resource " + resource.asText() + " not found");
      }
    }
    for (JsonNode image : k.path("images")) {
      for (Manifest m : out) {
        setImages(m.object(), image);
      }
    }
    for (JsonNode patch : k.path("patches")) {
      applyPatch(file, patch, out);
    }
    if (k.has("namespace")) {
      for (Manifest m : out) {
        setNamespace(m.object(), k.get("namespace").asText());
      }
    }
    return out;
  }

  /** Every non-empty document of a YAML file, anchors resolved. */
  static List<JsonNode> load(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    List<JsonNode> docs = new ArrayList<>();
    for (Object doc : yaml.loadAll(Files.readString(file))) {
      if (doc != null) {
        docs.add(JSON.valueToTree(doc));
      }
    }
    return docs;
  }

  private static void applyPatch(Path file, JsonNode patch, List<Manifest> objects)
      throws IOException {
    String kind = patch.path("target").path("kind").asText();
    String name = patch.path("target").path("name").asText();
    List<Manifest> targets =
        objects.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).toList();
    if (targets.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": patch target " + kind + " " + name + " not found");
    }
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    JsonNode ops = JSON.valueToTree(yaml.load(patch.path("patch").asText()));
    if (!ops.isArray()) {
      throw new IllegalArgumentException(
          file + ": patch of " + kind + " " + name + " must be a list of JSON 6902 operations");
    }
    for (Manifest target : targets) {
      for (JsonNode op : ops) {
        try {
          JsonPatch.apply((ObjectNode) target.object(), op);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              file + ": patch of " + kind + " " + name + ": " + e.getMessage(), e);
        }
      }
    }
  }

  /**
   * The images transformer: every {@code containers[].image} and {@code initContainers[].image}.
   */
  private static void setImages(JsonNode node, JsonNode image) {
    if (node.isObject()) {
      for (String list : new String[] {"containers", "initContainers"}) {
        for (JsonNode container : node.path(list)) {
          String current = container.path("image").asText();
          String bare = current.replaceFirst("[:@].*$", "");
          if (bare.equals(image.path("name").asText())) {
            String replaced = image.path("newName").asText(bare);
            if (image.has("digest")) {
              replaced += "@" + image.get("digest").asText();
            } else if (image.has("newTag")) {
              replaced += ":" + image.get("newTag").asText();
            }
            ((ObjectNode) container).put("image", replaced);
          }
        }
      }
      node.elements().forEachRemaining(child -> setImages(child, image));
    } else if (node.isArray()) {
      node.forEach(child -> setImages(child, image));
    }
  }

  /** Namespaced objects move to {@code namespace}; so do the service accounts bindings name. */
  private static void setNamespace(JsonNode object, String namespace) {
    String kind = object.path("kind").asText();
    if (!CLUSTER_SCOPED.contains(kind)) {
      ((ObjectNode) object.path("metadata")).put("namespace", namespace);
    }
    if (kind.equals("RoleBinding") || kind.equals("ClusterRoleBinding")) {
      for (JsonNode subject : (ArrayNode) object.path("subjects")) {
        if (subject.path("kind").asText().equals("ServiceAccount")) {
          ((ObjectNode) subject).put("namespace", namespace);
        }
      }
    }
  }
}

package org.dalle.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The base and each overlay, rendered once; what every manifest test runs over. */
final class Rendered {
  /** The module directory (Maven runs tests there). */
  static final Path K8S = Path.of("").toAbsolutePath();

  static final Path REPO = K8S.getParent();

  private static final Map<String, List<Manifest>> SETS = new LinkedHashMap<>();

  private Rendered() {}

  static synchronized Map<String, List<Manifest>> all() {
    if (SETS.isEmpty()) {
      for (String name :
          List.of(
              "base",
              "base/jobs",
              "overlays/gke-v100",
              "overlays/gke-v100/jobs",
              "overlays/cpu",
              "overlays/cpu/jobs",
              "overlays/cpu/jobs-multi-pod")) {
        try {
          SETS.put(name, Kustomize.render(K8S.resolve(name)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return SETS;
  }

  /**
   * The set installed beside {@code set}: for the Job templates of {@code X/jobs} or {@code
   * X/jobs-*}, the objects of {@code X} (the ConfigMap, claims and Service their pods use);
   * otherwise {@code set} itself.
   */
  static List<Manifest> installedWith(String set) {
    return all().get(isJobTemplates(set) ? set.substring(0, set.lastIndexOf("/jobs")) : set);
  }

  /** Whether {@code set} is what an operator applies ({@code kubectl apply -k}). */
  static boolean applied(String set) {
    return set.startsWith("overlays/") && !isJobTemplates(set);
  }

  /** Whether {@code set} holds Job templates for {@code dalle submit --job}, never applied. */
  static boolean isJobTemplates(String set) {
    return set.endsWith("/jobs") || set.contains("/jobs-");
  }

  /** (set name, manifest) for every manifest of every set. */
  static Stream<Map.Entry<String, Manifest>> each() {
    return all().entrySet().stream()
        .flatMap(set -> set.getValue().stream().map(m -> Map.entry(set.getKey(), m)));
  }

  static Stream<Map.Entry<String, Manifest>> ofKind(String kind) {
    return each().filter(e -> e.getValue().kind().equals(kind));
  }
}

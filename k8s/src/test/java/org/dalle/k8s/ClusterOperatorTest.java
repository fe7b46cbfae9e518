package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * What a cluster operator meets when installing and running the manifests: what {@code kubectl
 * apply -k} starts, what Pod Security admits, where checkpoints land, what the service accounts and
 * roles allow, which images exist.
 */
class ClusterOperatorTest {
  /** Volume types Pod Security "restricted" admits. */
  private static final Set<String> RESTRICTED_VOLUMES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  @Test
  void applyingAnOverlayStartsNoJob() {
    Rendered.all()
        .forEach(
            (set, manifests) -> {
              if (Rendered.applied(set)) {
                for (Manifest m : manifests) {
                  assertFalse(
                      m.kind().equals("Job"),
                      set
                          + " is installed with kubectl apply -k, which would start "
                          + m
                          + " with RUN_NAME=example (and fail on the next apply: a Job's pod"
                          + " template is immutable)");
                }
              }
            });
  }

  @TestFactory
  Stream<DynamicTest> everyPodMeetsPodSecurityRestricted() {
    return Pod.tests(
        pod -> true,
        pod -> {
          JsonNode podContext = pod.securityContext();
          JsonNode context = pod.container().path("securityContext");
          assertTrue(
              podContext.path("runAsNonRoot").asBoolean()
                  || context.path("runAsNonRoot").asBoolean(),
              "runAsNonRoot must be true");
          assertTrue(
              podContext.path("runAsUser").asInt(0) > 0 || context.path("runAsUser").asInt(0) > 0,
              "runAsUser must not be 0");
          assertTrue(
              podContext.path("fsGroup").asInt(0) > 0,
              "fsGroup makes the claims writable by the pod's user");
          String seccomp =
              context
                  .path("seccompProfile")
                  .path("type")
                  .asText(podContext.path("seccompProfile").path("type").asText());
          assertTrue(
              seccomp.equals("RuntimeDefault") || seccomp.equals("Localhost"),
              "seccompProfile must be RuntimeDefault or Localhost, is '" + seccomp + "'");
          assertTrue(
              context.has("allowPrivilegeEscalation")
                  && !context.path("allowPrivilegeEscalation").asBoolean(),
              "allowPrivilegeEscalation must be false");
          List<String> drop = new ArrayList<>();
          context.path("capabilities").path("drop").forEach(c -> drop.add(c.asText()));
          assertTrue(drop.contains("ALL"), "capabilities must drop ALL");
          assertTrue(
              context.path("capabilities").path("add").isEmpty(),
              "restricted allows no added capability but NET_BIND_SERVICE");
          assertFalse(context.path("privileged").asBoolean(), "privileged");
          for (JsonNode volume : pod.volumes().values()) {
            Set<String> types = new HashSet<>();
            volume.fieldNames().forEachRemaining(types::add);
            types.remove("name");
            assertTrue(
                RESTRICTED_VOLUMES.containsAll(types),
                "volume type " + types + " is not allowed by restricted");
          }
        });
  }

  @Test
  void theOverlaysNamespacesEnforceRestricted() {
    for (String overlay : List.of("overlays/gke-v100", "overlays/cpu")) {
      JsonNode namespace =
          KubernetesObjectsTest.find(Rendered.all().get(overlay), "Namespace", "dalle");
      assertEquals(
          "restricted",
          namespace
              .path("metadata")
              .path("labels")
              .path("pod-security.kubernetes.io/enforce")
              .asText(),
          overlay);
    }
  }

  @TestFactory
  Stream<DynamicTest> gpuPodsHaveAMemoryBackedShmAndAskForOneDevice() {
    return Pod.tests(
        Pod::usesGpu,
        pod -> {
          JsonNode shm = pod.mounts().get("/dev/shm");
          assertTrue(
              shm != null && shm.path("emptyDir").path("medium").asText().equals("Memory"),
              "PyTorch's data loading and NCCL need more than the default 64 MiB"
                  + " /dev/shm: mount an emptyDir with medium Memory");
          // Every trainer and sampler uses one device: more is paid for and idle.
          JsonNode limits = pod.container().path("resources").path("limits");
          assertEquals(1, limits.path("nvidia.com/gpu").asInt(), "GPUs asked for");
        });
  }

  @TestFactory
  Stream<DynamicTest> checkpointsGoToAPosixVolume() {
    return Pod.tests(
        pod -> pod.stage().startsWith("train-"),
        pod -> {
          String checkpoints = pod.flag("--out") + "/checkpoints";
          JsonNode volume = pod.mounts().get(checkpoints);
          assertTrue(
              volume != null
                  && volume
                      .path("persistentVolumeClaim")
                      .path("claimName")
                      .asText()
                      .equals("dalle-checkpoints"),
              "CheckpointStore needs a POSIX file system: mount dalle-checkpoints at "
                  + checkpoints
                  + "; mounts: "
                  + pod.mounts().keySet());
        });
  }

  @Test
  void theCheckpointClaimIsNotOnCloudStorageFuse() {
    for (String overlay : List.of("overlays/gke-v100", "overlays/cpu")) {
      List<Manifest> set = Rendered.all().get(overlay);
      JsonNode claim =
          KubernetesObjectsTest.find(set, "PersistentVolumeClaim", "dalle-checkpoints");
      String volumeName = claim.path("spec").path("volumeName").asText();
      if (!volumeName.isEmpty()) {
        JsonNode volume = KubernetesObjectsTest.find(set, "PersistentVolume", volumeName);
        assertFalse(
            volume.path("spec").path("csi").path("driver").asText().startsWith("gcsfuse"), overlay);
      }
      String storageClass = claim.path("spec").path("storageClassName").asText();
      for (Manifest m : set) {
        if (m.kind().equals("PersistentVolume")) {
          boolean fuse =
              m.object().path("spec").path("csi").path("driver").asText().startsWith("gcsfuse");
          assertFalse(
              fuse
                  && m.object().path("spec").path("storageClassName").asText().equals(storageClass),
              overlay + ": dalle-checkpoints would bind a Cloud Storage FUSE volume");
        }
      }
    }
  }

  @Test
  void everyServiceAccountAGkePodRunsAsHasWorkloadIdentity() {
    List<Manifest> set = Rendered.all().get("overlays/gke-v100");
    Set<String> accounts = new HashSet<>();
    for (Manifest m : set) {
      JsonNode spec = m.object().path("spec");
      List<JsonNode> names =
          List.of(
              spec.path("serviceAccountName"),
              spec.path("template").path("serviceAccountName"),
              spec.path("template").path("spec").path("serviceAccountName"));
      names.stream().filter(JsonNode::isTextual).forEach(n -> accounts.add(n.asText()));
    }
    for (Manifest m : Rendered.all().get("overlays/gke-v100/jobs")) {
      accounts.add(
          m.object()
              .path("spec")
              .path("template")
              .path("spec")
              .path("serviceAccountName")
              .asText());
    }
    assertTrue(accounts.containsAll(Set.of("dalle-jobs", "dalle-submitter")), accounts.toString());
    for (String account : accounts) {
      JsonNode sa = KubernetesObjectsTest.find(set, "ServiceAccount", account);
      assertTrue(
          sa.path("metadata")
              .path("annotations")
              .path("iam.gke.io/gcp-service-account")
              .asText()
              .endsWith(".iam.gserviceaccount.com"),
          account + " runs pods on GKE but has no Workload Identity annotation");
    }
  }

  @Test
  void theReleaseWorkflowsClusterCommandsAreAllowedByTheSubmitterRole() throws IOException {
    String ci =
        Files.readString(Rendered.REPO.resolve(".github/workflows/retrain.yml"))
            .replace("\\\n", " ");
    JsonNode role =
        KubernetesObjectsTest.find(Rendered.all().get("base"), "Role", "dalle-submitter");
    Matcher kubectl =
        Pattern.compile("kubectl -n \\S+ (create|apply|patch|get|delete)\\b([^|\\n]*)").matcher(ci);
    int commands = 0;
    while (kubectl.find()) {
      String verb = kubectl.group(1);
      String rest = kubectl.group(2);
      if (rest.contains("--dry-run=client")) {
        continue; // renders locally; the server is not asked
      }
      commands++;
      String resource;
      List<String> verbs;
      if (verb.equals("apply")) {
        // kubectl apply -f - of what the previous command rendered: the ConfigMap written.
        resource = "configmaps";
        verbs = List.of("get", "create", "patch");
      } else {
        resource = rest.trim().split("\\s+")[0] + "s";
        verbs = List.of(verb);
      }
      for (String v : verbs) {
        assertTrue(grants(role, resource, v), "dalle-submitter may not " + v + " " + resource);
      }
    }
    assertTrue(commands > 0, "retrain.yml runs no kubectl command against the cluster");
    assertFalse(
        ci.contains("patch sensor"), "the Sensor is the overlay's; kubectl apply -k resets it");
  }

  private static boolean grants(JsonNode role, String resource, String verb) {
    for (JsonNode rule : role.path("rules")) {
      Set<String> resources = new HashSet<>();
      rule.path("resources").forEach(r -> resources.add(r.asText()));
      Set<String> verbs = new HashSet<>();
      rule.path("verbs").forEach(v -> verbs.add(v.asText()));
      if (resources.contains(resource) && verbs.contains(verb)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void theSnapshotFilterMatchesOnlyASnapshotsOwnMarker() {
    for (Manifest sensor :
        Rendered.all().get("overlays/gke-v100").stream()
            .filter(m -> m.kind().equals("Sensor"))
            .toList()) {
      for (JsonNode dep : sensor.object().path("spec").path("dependencies")) {
        for (JsonNode filter : dep.path("filters").path("data")) {
          if (!filter.path("path").asText().equals("attributes.objectId")) {
            continue;
          }
          // Argo Events matches with Go's regexp, unanchored: the pattern must anchor itself.
          Pattern p = Pattern.compile(filter.path("value").get(0).asText());
          assertTrue(p.matcher("snapshots/2026-11-20/_READY").find());
          assertFalse(p.matcher("snapshots/2026-11-20/_READY.tmp").find());
          assertFalse(p.matcher("old/snapshots/2026-11-20/_READY").find());
          assertFalse(p.matcher("snapshots/2026-11-20/x/_READY").find());
        }
      }
    }
  }

  @Test
  void noManifestPinsAnImageThatApplyingWouldRestore() {
    for (Manifest m : Rendered.all().get("overlays/gke-v100")) {
      assertFalse(
          m.object().toString().matches(".*@sha256:0{64}.*"),
          m + " holds a placeholder digest that every kubectl apply -k restores");
    }
  }

  @Test
  void everyImageTheOverlaysNameIsOneTheReleasePushes() throws IOException {
    String ci = Files.readString(Rendered.REPO.resolve(".github/workflows/retrain.yml"));
    Set<String> pushedTags = new HashSet<>();
    Matcher push = Pattern.compile("docker push \"\\$IMAGE:([^\"]+)\"").matcher(ci);
    while (push.find()) {
      pushedTags.add(push.group(1));
    }
    List<String> images = new ArrayList<>();
    for (String set : List.of("overlays/gke-v100", "overlays/gke-v100/jobs")) {
      for (Manifest m : Rendered.all().get(set)) {
        collectImages(m.object(), images);
      }
    }
    assertFalse(images.isEmpty());
    for (String image : images) {
      if (image.contains("@sha256:") || image.contains("{{")) {
        continue;
      }
      String tag = image.substring(image.lastIndexOf(':') + 1);
      assertTrue(
          pushedTags.contains(tag),
          image + ": the release pushes only the tags " + pushedTags + " (retrain.yml)");
    }
  }

  private static void collectImages(JsonNode node, List<String> images) {
    if (node.isObject()) {
      if (node.path("image").isTextual()) {
        images.add(node.get("image").asText());
      }
      if (node.path("name").asText().equals("image") && node.path("value").isTextual()) {
        images.add(node.get("value").asText());
      }
    }
    node.elements().forEachRemaining(child -> collectImages(child, images));
  }

  @Test
  void everyFileTheManifestsCiteExists() throws IOException {
    Pattern cited =
        Pattern.compile("\\b((?:k8s|configs|\\.github)/[A-Za-z0-9_./-]+\\.(?:ya?ml|Dockerfile))");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Rendered.K8S)) {
      walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith("Dockerfile"))
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("node_modules"))
          .forEach(files::add);
    }
    files.add(Rendered.REPO.resolve(".github/workflows/retrain.yml"));
    files.addAll(documents());
    for (Path file : files) {
      Matcher m = cited.matcher(Files.readString(file));
      while (m.find()) {
        assertTrue(
            Files.exists(Rendered.REPO.resolve(m.group(1))),
            file + " cites " + m.group(1) + ", which does not exist");
      }
    }
  }

  @Test
  void noTextSaysACommandTheCliHasIsMissing() throws IOException {
    Set<String> commands = org.dalle.jobs.cli.DalleCommand.commandLine().getSubcommands().keySet();
    Pattern missing =
        Pattern.compile(
            "(?i)(?:not (?:yet )?in the CLI(?: yet)?:?\\s*`?([a-z-]+)`?|`?([a-z-]+)`? (?:is|are) not in"
                + " the CLI)");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(Rendered.K8S.resolve("base"))) {
      walk.filter(p -> p.toString().endsWith(".yaml")).forEach(files::add);
    }
    files.addAll(documents());
    for (Path file : files) {
      Matcher m = missing.matcher(Files.readString(file));
      while (m.find()) {
        String command = m.group(1) != null ? m.group(1) : m.group(2);
        assertFalse(
            commands.contains(command),
            file + " says " + command + " is not in the CLI, but dalle " + command + " exists");
      }
    }
  }

  /** README.md and the per-command documents under docs/ it links to. */
  private static List<Path> documents() throws IOException {
    List<Path> documents = new ArrayList<>();
    documents.add(Rendered.REPO.resolve("README.md"));
    try (Stream<Path> docs = Files.list(Rendered.REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
    }
    return documents;
  }
}

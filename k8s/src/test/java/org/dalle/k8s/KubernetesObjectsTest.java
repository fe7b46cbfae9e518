package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PersistentVolume;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodFailurePolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Kubernetes object of the base and the overlays parses into the Kubernetes Java client's
 * model, where a field the model does not know is an error, and the Jobs keep the properties the
 * cluster runs depend on.
 */
class KubernetesObjectsTest {
  static final Map<String, Class<?>> MODELS =
      Map.of(
          "Job", V1Job.class,
          "Service", V1Service.class,
          "ServiceAccount", V1ServiceAccount.class,
          "ConfigMap", V1ConfigMap.class,
          "Role", V1Role.class,
          "RoleBinding", V1RoleBinding.class,
          "PersistentVolume", V1PersistentVolume.class,
          "PersistentVolumeClaim", V1PersistentVolumeClaim.class,
          "Namespace", V1Namespace.class);
  static final Set<String> ARGO = Set.of("WorkflowTemplate", "Sensor", "EventSource");

  /** Parses {@code object} into the client's model for its kind; unknown fields throw. */
  static <T> T strict(JsonNode object, Class<T> model) {
    return JSON.deserialize(object.toString(), model);
  }

  @TestFactory
  Stream<DynamicTest> everyObjectParsesStrictly() {
    return Rendered.each()
        .map(
            e ->
                dynamicTest(
                    e.getKey() + ": " + e.getValue(),
                    () -> {
                      Manifest m = e.getValue();
                      if (ARGO.contains(m.kind())) {
                        return; // checked structurally by ArgoTemplatesTest
                      }
                      Class<?> model = MODELS.get(m.kind());
                      assertTrue(model != null, "no model registered for kind " + m.kind());
                      // The model's own validation rejects any field it does not know
                      // (anUnknownFieldIsAnError shows it does).
                      strict(m.object(), model);
                    }));
  }

  @Test
  void anUnknownFieldIsAnError() {
    JsonNode typo =
        Rendered.all().get("base/jobs").stream()
            .filter(m -> m.name().equals("dalle-train-dvae"))
            .findFirst()
            .orElseThrow()
            .object()
            .deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            typo.path("spec").path("template").path("spec").path("containers").get(0))
        .put("imagePullPolicyy", "Always");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> strict(typo, V1Job.class));
    assertTrue(e.getMessage().contains("imagePullPolicyy"), e.getMessage());
  }

  @TestFactory
  Stream<DynamicTest> jobsFailFastOnConfigErrorsAndIgnoreDisruptions() {
    return Rendered.ofKind("Job")
        .map(
            e ->
                dynamicTest(
                    e.getKey() + ": " + e.getValue(),
                    () -> {
                      V1Job job = strict(e.getValue().object(), V1Job.class);
                      var pod = job.getSpec().getTemplate().getSpec();
                      assertEquals("Never", pod.getRestartPolicy());
                      List<V1PodFailurePolicyRule> rules =
                          job.getSpec().getPodFailurePolicy().getRules();
                      assertTrue(
                          rules.stream()
                              .anyMatch(
                                  r ->
                                      r.getAction().equals("FailJob")
                                          && r.getOnExitCodes().getValues().equals(List.of(2))
                                          && r.getOnExitCodes().getContainerName().equals("dalle")),
                          rules.toString());
                      assertTrue(
                          rules.stream()
                              .anyMatch(
                                  r ->
                                      r.getAction().equals("Ignore")
                                          && r.getOnPodConditions()
                                              .get(0)
                                              .getType()
                                              .equals("DisruptionTarget")
                                          // required since Kubernetes 1.32's schema
                                          && "True"
                                              .equals(r.getOnPodConditions().get(0).getStatus())),
                          rules.toString());
                      // spec.activeDeadlineSeconds bounds the whole Job, retries included; the
                      // pod's bounds one attempt. A deadline no longer than one attempt would
                      // leave a preempted week-long run no time to resume. The pods of a
                      // multi-pod Job fail together, each counting against backoffLimit.
                      int parallelism =
                          job.getSpec().getParallelism() == null
                              ? 1
                              : job.getSpec().getParallelism();
                      assertTrue(
                          job.getSpec().getActiveDeadlineSeconds()
                              >= (job.getSpec().getBackoffLimit() / parallelism + 1L)
                                  * pod.getActiveDeadlineSeconds(),
                          "the Job's deadline must cover backoffLimit / parallelism + 1 attempts"
                              + " of the pod's");
                      V1Container dalle = pod.getContainers().get(0);
                      assertEquals("dalle", dalle.getName());
                      assertTrue(
                          dalle.getVolumeMounts().stream()
                              .anyMatch(v -> v.getMountPath().equals("/runs")));
                      String stage = dalle.getArgs().get(0);
                      if (stage.startsWith("train-")) {
                        assertTrue(
                            dalle.getArgs().contains("--resume"),
                            stage + " must resume from its checkpoints after a restart");
                        assertTrue(
                            pod.getTerminationGracePeriodSeconds() >= 120,
                            "time to write the SIGTERM checkpoint");
                      }
                      boolean gpu =
                          dalle.getResources().getLimits() != null
                              && dalle.getResources().getLimits().containsKey("nvidia.com/gpu");
                      if (e.getKey().startsWith("overlays/cpu")) {
                        assertFalse(gpu, "no GPUs on the CPU cluster");
                        assertTrue(
                            pod.getNodeSelector() == null || pod.getNodeSelector().isEmpty());
                      } else if (!stage.equals("prepare") && !stage.equals("encode")) {
                        assertTrue(gpu, stage + " needs a GPU limit");
                        assertEquals(
                            "nvidia-tesla-v100",
                            pod.getNodeSelector().get("cloud.google.com/gke-accelerator"));
                        assertTrue(
                            pod.getTolerations().stream()
                                .anyMatch(t -> "nvidia.com/gpu".equals(t.getKey())));
                      }
                    }));
  }

  @Test
  void theTransformerJobIsIndexedBehindAHeadlessService() {
    for (String jobs :
        List.of(
            "base/jobs",
            "overlays/gke-v100/jobs",
            "overlays/cpu/jobs",
            "overlays/cpu/jobs-multi-pod")) {
      V1Job job =
          strict(find(Rendered.all().get(jobs), "Job", "dalle-train-transformer"), V1Job.class);
      V1Service service =
          strict(
              find(Rendered.installedWith(jobs), "Service", "dalle-train-transformer"),
              V1Service.class);
      assertEquals("Indexed", job.getSpec().getCompletionMode());
      assertEquals(job.getSpec().getCompletions(), job.getSpec().getParallelism());
      assertEquals("None", service.getSpec().getClusterIP());
      assertEquals(
          service.getMetadata().getName(), job.getSpec().getTemplate().getSpec().getSubdomain());
      Map<String, String> podLabels = job.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(
          podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()),
          "the Service selects the transformer's pods: " + service.getSpec().getSelector());
    }
  }

  @Test
  void everyClaimAndConfigMapThePodsUseExistsInEachOverlay() {
    for (String overlay : List.of("overlays/gke-v100", "overlays/cpu")) {
      List<Manifest> set = Rendered.all().get(overlay);
      Set<String> claims =
          set.stream()
              .filter(m -> m.kind().equals("PersistentVolumeClaim"))
              .map(Manifest::name)
              .collect(Collectors.toSet());
      assertEquals(
          Set.of("dalle-runs", "dalle-checkpoints", "dalle-data", "dalle-models"), claims, overlay);
      V1ConfigMap settings = strict(find(set, "ConfigMap", "dalle-settings"), V1ConfigMap.class);
      List<Manifest> withJobs = new java.util.ArrayList<>(set);
      withJobs.addAll(Rendered.all().get(overlay + "/jobs"));
      for (Manifest m : withJobs) {
        if (m.kind().equals("Job")) {
          for (var env :
              strict(m.object(), V1Job.class)
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getEnv()) {
            if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
              assertTrue(
                  settings.getData().containsKey(env.getValueFrom().getConfigMapKeyRef().getKey()),
                  overlay + ": " + m + " reads missing key " + env.getName());
            }
          }
        }
        assertTrue(
            m.kind().equals("Namespace")
                || m.kind().equals("PersistentVolume")
                || "dalle".equals(m.object().path("metadata").path("namespace").asText()),
            overlay + ": " + m);
      }
    }
  }

  static JsonNode find(List<Manifest> set, String kind, String name) {
    return set.stream()
        .filter(m -> m.kind().equals(kind) && m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name))
        .object();
  }
}

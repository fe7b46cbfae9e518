package org.dalle.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dalle.collective.NodeLayout;
import org.dalle.collective.Rendezvous;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The train-transformer Indexed Job runs the same data-parallel code in every pod: in every
 * rendered set its rank count, rendezvous variables and shared memory agree with what the trainer
 * reads ({@link Rendezvous}), and the CPU cluster has a multi-pod form that runs today.
 */
class MultiPodTrainingTest {
  static final String JOB = "dalle-train-transformer";
  static final String MULTI_POD = "overlays/cpu/jobs-multi-pod";

  /** A name {@code dalle submit} could generate; the kubelet gives pod i the host name JOB-i. */
  static final String GENERATED = JOB + "-x7k2p";

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  @TestFactory
  Stream<DynamicTest> theWorldSizeIsTheCompletionCount() {
    return eachJob(
        (set, job) -> {
          assertEquals("Indexed", job.getSpec().getCompletionMode());
          int completions = job.getSpec().getCompletions();
          assertEquals(completions, job.getSpec().getParallelism());
          assertEquals(String.valueOf(completions), env(job).get("WORLD_SIZE").getValue());
        });
  }

  @TestFactory
  Stream<DynamicTest> everyRankFindsRankZeroThroughTheHeadlessService() {
    return eachJob(
        (set, job) -> {
          V1PodSpec pod = job.getSpec().getTemplate().getSpec();
          V1Service service =
              KubernetesObjectsTest.strict(
                  KubernetesObjectsTest.find(Rendered.installedWith(set), "Service", JOB),
                  V1Service.class);
          assertEquals(service.getMetadata().getName(), pod.getSubdomain());
          assertTrue(service.getSpec().getPublishNotReadyAddresses());
          Map<String, V1EnvVar> env = env(job);
          assertEquals(
              "metadata.labels['batch.kubernetes.io/job-name']",
              env.get("JOB_NAME").getValueFrom().getFieldRef().getFieldPath());
          assertEquals(
              String.valueOf(service.getSpec().getPorts().get(0).getTargetPort()),
              env.get("MASTER_PORT").getValue());
          int worldSize = job.getSpec().getCompletions();
          for (int index = 0; index < worldSize; index++) {
            Map<String, String> seen = kubeletEnvironment(job, index);
            Rendezvous rendezvous = Rendezvous.fromEnvironment(seen);
            assertEquals(index, rendezvous.rank());
            assertEquals(worldSize, rendezvous.worldSize());
            assertEquals(GENERATED + "-0." + pod.getSubdomain(), rendezvous.masterAddress());
            assertEquals(Rendezvous.DEFAULT_PORT, rendezvous.masterPort());
            // One rank per pod, each pod its own machine: none of them is told it shares one.
            NodeLayout layout = NodeLayout.resolve(seen, 0, worldSize);
            assertEquals(1, layout.ranksPerNode(), "ranks per machine in pod " + index);
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> devShmIsAMemoryVolume() {
    return eachJob(
        (set, job) -> {
          V1PodSpec pod = job.getSpec().getTemplate().getSpec();
          V1VolumeMount shm =
              container(job).getVolumeMounts().stream()
                  .filter(m -> m.getMountPath().equals("/dev/shm"))
                  .findFirst()
                  .orElseThrow(() -> new AssertionError("no /dev/shm mount"));
          V1Volume volume =
              pod.getVolumes().stream()
                  .filter(v -> v.getName().equals(shm.getName()))
                  .findFirst()
                  .orElseThrow();
          assertEquals("Memory", volume.getEmptyDir().getMedium());
          assertNotNull(volume.getEmptyDir().getSizeLimit());
        });
  }

  @TestFactory
  Stream<DynamicTest> eachPodAsksForTheOneDeviceItsRankUses() {
    return eachJob(
        (set, job) -> {
          var limits = container(job).getResources().getLimits();
          if (limits.containsKey("nvidia.com/gpu")) {
            assertEquals("1", limits.get("nvidia.com/gpu").toSuffixedString());
            // GPU arrays do not reach the collective helper yet: one rank until they do.
            assertEquals(1, job.getSpec().getCompletions(), set + ": GPU pods train alone");
          }
        });
  }

  @TestFactory
  Stream<DynamicTest> aFailedRankLeavesTheSameRetries() {
    // A rank that fails ends the others at their next collective: every pod fails and counts.
    return eachJob(
        (set, job) ->
            assertTrue(
                job.getSpec().getBackoffLimit() >= 4 * job.getSpec().getParallelism(),
                "backoffLimit " + job.getSpec().getBackoffLimit()));
  }

  @Test
  void theCpuClusterHasAMultiPodFormThatRunsToday() throws Exception {
    V1Job multi = job(MULTI_POD);
    int ranks = multi.getSpec().getCompletions();
    assertTrue(ranks > 1);
    assertFalse(container(multi).getResources().getLimits().containsKey("nvidia.com/gpu"));
    String config = flag(container(multi).getArgs(), "--config");
    int batch = Kustomize.load(Rendered.REPO.resolve(config)).get(0).path("batch_size").asInt();
    assertEquals(0, batch % ranks, config + ": batch_size " + batch + " over " + ranks + " ranks");
    // Only the transformer's Job differs from the CPU cluster's single-pod set.
    Map<String, String> single = byName(Rendered.all().get("overlays/cpu/jobs"));
    Map<String, String> multiPod = byName(Rendered.all().get(MULTI_POD));
    assertEquals(single.keySet(), multiPod.keySet());
    for (String name : single.keySet()) {
      assertEquals(name.equals(JOB), !single.get(name).equals(multiPod.get(name)), name);
    }
  }

  /** The container's environment as the kubelet resolves it for completion index {@code i}. */
  static Map<String, String> kubeletEnvironment(V1Job job, int index) {
    Map<String, String> resolved = new LinkedHashMap<>();
    resolved.put(Rendezvous.COMPLETION_INDEX, String.valueOf(index));
    for (V1EnvVar var : container(job).getEnv()) {
      String value;
      if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        assertEquals(
            "metadata.labels['batch.kubernetes.io/job-name']",
            var.getValueFrom().getFieldRef().getFieldPath(),
            "only the job-name label is resolved here");
        value = GENERATED;
      } else {
        value = var.getValue();
      }
      // $(NAME) expands only to variables defined before it; others stay as written.
      Matcher m = VAR.matcher(value);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String earlier = resolved.get(m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(earlier != null ? earlier : m.group()));
      }
      m.appendTail(out);
      resolved.put(var.getName(), out.toString());
    }
    return resolved;
  }

  private static Stream<DynamicTest> eachJob(BiConsumer<String, V1Job> check) {
    return Rendered.all().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(m -> isTransformerJob(m)))
        .map(e -> dynamicTest(e.getKey(), () -> check.accept(e.getKey(), job(e.getKey()))));
  }

  private static boolean isTransformerJob(Manifest m) {
    return m.kind().equals("Job") && m.name().equals(JOB);
  }

  private static V1Job job(String set) {
    return KubernetesObjectsTest.strict(
        KubernetesObjectsTest.find(Rendered.all().get(set), "Job", JOB), V1Job.class);
  }

  private static V1Container container(V1Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, V1EnvVar> env(V1Job job) {
    Map<String, V1EnvVar> env = new HashMap<>();
    for (V1EnvVar var : container(job).getEnv()) {
      env.put(var.getName(), var);
    }
    return env;
  }

  private static String flag(List<String> args, String name) {
    return args.stream()
        .filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + args));
  }

  private static Map<String, String> byName(List<Manifest> set) {
    Map<String, String> objects = new HashMap<>();
    for (Manifest m : set) {
      objects.put(m.name(), m.object().toString());
    }
    return objects;
  }
}

package org.dalle.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.apis.BatchV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1JobCondition;
import io.kubernetes.client.openapi.models.V1JobStatus;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One stage run as a plain {@code batch/v1} Job, from the stage's spec in {@code k8s/base/jobs/}
 * (bundled in the jar) or from a manifest file such as a rendered overlay ({@code kubectl kustomize
 * k8s/overlays/cpu > cpu.yaml}). The Job's name gets a random suffix so runs never collide; the run
 * name goes into the container's {@code RUN_NAME}, which the spec's arguments use.
 */
public final class StageJobs {
  /** Where the jar holds the stage Job specs. */
  static final String BUNDLED = "k8s/jobs/";

  static final String CONTAINER = "dalle";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final ClusterConnection cluster;
  private final BatchV1Api api;

  public StageJobs(ClusterConnection cluster) {
    this.cluster = cluster;
    this.api = new BatchV1Api(cluster.client());
  }

  /**
   * The Job {@code dalle-<stage>} from {@code manifests} (a YAML file of one or more documents), or
   * from the bundled specs when {@code manifests} is null.
   */
  public static V1Job load(String stage, Path manifests) {
    String text;
    String origin;
    if (manifests == null) {
      origin = "classpath:" + BUNDLED + stage + ".yaml";
      try (InputStream in =
          StageJobs.class.getClassLoader().getResourceAsStream(BUNDLED + stage + ".yaml")) {
        if (in == null) {
          throw new IllegalArgumentException(
              "no Job spec for stage "
                  + stage
                  + "; expected one of prepare, train-dvae, encode, train-transformer, train-clip,"
                  + " sample, evaluate");
        }
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + origin, e);
      }
    } else {
      origin = manifests.toString();
      try {
        text = Files.readString(manifests);
      } catch (IOException e) {
        throw new IllegalArgumentException("could not read manifests " + manifests + ": " + e, e);
      }
    }
    String wanted = "dalle-" + stage;
    for (JsonNode doc : documents(text, origin)) {
      if (doc.path("kind").asText().equals("Job")
          && doc.path("metadata").path("name").asText().equals(wanted)) {
        try {
          return JSON.deserialize(doc.toString(), V1Job.class);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "Job " + wanted + " in " + origin + " is not a valid batch/v1 Job: " + e.getMessage(),
              e);
        }
      }
    }
    throw new IllegalArgumentException("no Job named " + wanted + " in " + origin);
  }

  /** Every non-empty YAML document of {@code text}. */
  static List<JsonNode> documents(String text, String origin) {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(text)) {
      var values = YAML.readValues(parser, JsonNode.class);
      while (values.hasNext()) {
        JsonNode doc = values.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(origin + " is not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  /**
   * Prepares {@code job} for one run: a generated name, {@code RUN_NAME} set (in the env and the
   * mount paths), and the image replaced when {@code image} is given; without it the spec's image
   * must have a tag or digest (the bundled specs' bare {@code dalle-jobs} has neither).
   */
  static V1Job forRun(V1Job job, String runName, String image) {
    String base = job.getMetadata().getName();
    job.getMetadata().setName(null);
    job.getMetadata().setGenerateName(base + "-");
    job.getMetadata().putLabelsItem("dalle.org/run-name", runName);
    V1Container container =
        job.getSpec().getTemplate().getSpec().getContainers().stream()
            .filter(c -> c.getName().equals(CONTAINER))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Job " + base + " has no container named " + CONTAINER));
    if (image != null) {
      container.setImage(image);
    } else if (!pinned(container.getImage())) {
      throw new IllegalArgumentException(
          "Job "
              + base
              + " names image "
              + container.getImage()
              + ", which has no tag or digest and so cannot be pulled; give --image"
              + " REGISTRY/dalle-jobs:TAG, or --manifests rendered from an overlay's jobs/"
              + " (kubectl kustomize k8s/overlays/<cluster>/jobs)");
    }
    checkRanks(base, job, container);
    List<V1EnvVar> env = container.getEnv() == null ? new ArrayList<>() : container.getEnv();
    env.removeIf(v -> v.getName().equals("RUN_NAME"));
    env.add(0, new V1EnvVar().name("RUN_NAME").value(runName));
    container.setEnv(env);
    // The kubelet expands $(VAR) in args, env and subPathExpr but not in mountPath, where the
    // specs mount the checkpoint volume over /runs/$(RUN_NAME)/<model>/checkpoints: fill it here.
    if (container.getVolumeMounts() != null) {
      for (V1VolumeMount mount : container.getVolumeMounts()) {
        mount.setMountPath(mount.getMountPath().replace("$(RUN_NAME)", runName));
      }
    }
    return job;
  }

  /**
   * A data-parallel Job runs one rank per pod: its {@code WORLD_SIZE} must be its completion count
   * and its parallelism, or the ranks that start wait at the rendezvous for ranks that never do.
   */
  static void checkRanks(String name, V1Job job, V1Container container) {
    if (container.getEnv() == null) {
      return;
    }
    for (V1EnvVar var : container.getEnv()) {
      if (var.getName().equals("WORLD_SIZE") && var.getValue() != null) {
        int completions = value(job.getSpec().getCompletions(), 1);
        int parallelism = value(job.getSpec().getParallelism(), 1);
        if (!var.getValue().trim().equals(String.valueOf(completions))
            || parallelism != completions) {
          throw new IllegalArgumentException(
              String.format(
                  "Job %s has WORLD_SIZE %s, completions %d and parallelism %d; expected all three"
                      + " equal: each rank is one pod",
                  name, var.getValue(), completions, parallelism));
        }
      }
    }
  }

  private static int value(Integer value, int absent) {
    return value == null ? absent : value;
  }

  /** Whether {@code image} names a tag or a digest after its repository. */
  static boolean pinned(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    return last.contains(":") || last.contains("@");
  }

  /** Creates the stage's Job for {@code runName} and returns the Job's name. */
  public String submit(V1Job spec, String runName, String image) {
    V1Job job = forRun(spec, runName, image);
    try {
      V1Job created = api.createNamespacedJob(cluster.namespace(), job).execute();
      return created.getMetadata().getName();
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "create a Job in namespace " + cluster.namespace(),
          "namespace " + cluster.namespace() + " not found");
    }
  }

  /** The Job {@code name}'s current status. */
  public RunStatus status(String name) {
    try {
      V1Job job = api.readNamespacedJob(name, cluster.namespace()).execute();
      return statusOf(name, job.getStatus());
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "read Job " + name + " in namespace " + cluster.namespace(),
          "Job " + name + " not found in namespace " + cluster.namespace());
    }
  }

  /** Phase from the Job's conditions (Complete, Failed) and pod counts. */
  static RunStatus statusOf(String name, V1JobStatus status) {
    String phase = "Pending";
    String message = "";
    int active = 0;
    int succeeded = 0;
    int failed = 0;
    if (status != null) {
      active = value(status.getActive());
      succeeded = value(status.getSucceeded());
      failed = value(status.getFailed());
      if (active > 0) {
        phase = "Running";
      }
      for (V1JobCondition condition : listOrEmpty(status.getConditions())) {
        if (!"True".equals(condition.getStatus())) {
          continue;
        }
        if (condition.getType().equals("Complete")) {
          phase = "Succeeded";
        } else if (condition.getType().equals("Failed")) {
          phase = "Failed";
          message = describe(condition);
        }
      }
    }
    String pods = "pods: " + active + " active, " + succeeded + " succeeded, " + failed + " failed";
    return new RunStatus("job", name, phase, message, "", List.of(pods), Map.of());
  }

  private static String describe(V1JobCondition condition) {
    String reason = condition.getReason() == null ? "" : condition.getReason();
    String text = condition.getMessage() == null ? "" : condition.getMessage();
    return reason.isEmpty() ? text : text.isEmpty() ? reason : reason + ": " + text;
  }

  private static int value(Integer count) {
    return count == null ? 0 : count;
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}

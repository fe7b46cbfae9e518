package org.dalle.jobs.submit;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;

/**
 * Prints the logs of a run's pods: a Workflow's step pods (container {@code main}, which Argo gives
 * the step's container) or a Job's pods (container {@code dalle}), oldest first, each under a
 * header naming the pod and its step.
 */
public final class PodLogs {
  static final String WORKFLOW_LABEL = "workflows.argoproj.io/workflow";
  static final String JOB_LABEL = "batch.kubernetes.io/job-name";
  static final String NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name";

  private final ClusterConnection cluster;
  private final CoreV1Api api;

  public PodLogs(ClusterConnection cluster) {
    this.cluster = cluster;
    this.api = new CoreV1Api(cluster.client());
  }

  /**
   * @param job true for a Job's pods, false for a Workflow's
   * @param step only pods whose step name contains this, or null for all
   * @param tailLines lines from the end of each log, or null for the whole log
   * @return how many pods' logs were printed
   */
  public int print(String name, boolean job, String step, Integer tailLines, PrintWriter out) {
    String selector = (job ? JOB_LABEL : WORKFLOW_LABEL) + "=" + name;
    String container = job ? StageJobs.CONTAINER : "main";
    List<V1Pod> pods;
    try {
      pods =
          api.listNamespacedPod(cluster.namespace()).labelSelector(selector).execute().getItems();
    } catch (ApiException e) {
      throw ApiErrors.describe(
          e,
          cluster.server(),
          "list pods in namespace " + cluster.namespace(),
          "namespace " + cluster.namespace() + " not found");
    }
    pods.sort(
        Comparator.comparing(
            (V1Pod p) ->
                p.getMetadata().getCreationTimestamp() == null
                    ? ""
                    : p.getMetadata().getCreationTimestamp().toString()));
    int printed = 0;
    for (V1Pod pod : pods) {
      String podName = pod.getMetadata().getName();
      String stepName =
          pod.getMetadata().getAnnotations() == null
              ? podName
              : pod.getMetadata().getAnnotations().getOrDefault(NODE_NAME_ANNOTATION, podName);
      if (step != null && !stepName.contains(step)) {
        continue;
      }
      out.println("== " + stepName + " (pod " + podName + ")");
      try {
        String log =
            api.readNamespacedPodLog(podName, cluster.namespace())
                .container(container)
                .tailLines(tailLines)
                .execute();
        out.print(log == null ? "" : log);
        if (log != null && !log.isEmpty() && !log.endsWith("\n")) {
          out.println();
        }
      } catch (ApiException e) {
        // A pod that has not started has no log yet: say so and go on with the others.
        out.println("(no log: " + ApiErrors.serverMessage(e) + ")");
      }
      printed++;
    }
    out.flush();
    if (printed == 0) {
      throw new ClusterException(
          "no pods found for "
              + (job ? "Job " : "workflow ")
              + name
              + (step == null ? "" : " step " + step)
              + " in namespace "
              + cluster.namespace()
              + " (label "
              + selector
              + "); finished pods are removed after a while (podGC, ttlSecondsAfterFinished)",
          ClusterException.REFUSED);
    }
    return printed;
  }
}

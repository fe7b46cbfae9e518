package org.dalle.jobs.cli;

import java.nio.file.Path;
import org.dalle.jobs.submit.ClusterConnection;
import picocli.CommandLine.Option;

/** Which cluster and namespace to talk to (a picocli mixin of submit, status and logs). */
public final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig file. Default: $KUBECONFIG, else the pod's service account inside a cluster,"
              + " else ~/.kube/config.")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "Kubeconfig context to use instead of the current one.")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace. Default: the context's namespace (the pod's own inside a cluster).")
  String namespace;

  ClusterConnection connect() {
    return ClusterConnection.open(kubeconfig, context, namespace);
  }
}

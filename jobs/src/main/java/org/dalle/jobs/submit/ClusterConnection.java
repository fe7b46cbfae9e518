package org.dalle.jobs.submit;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A client for one cluster and the namespace to work in, found the way kubectl finds them: an
 * explicit kubeconfig file, else {@code $KUBECONFIG}, else the pod's service account when running
 * inside a cluster, else {@code ~/.kube/config}. The namespace is the flag's, else the kubeconfig
 * context's (or the pod's own), else {@code default}.
 *
 * @param client the configured API client
 * @param namespace where Workflows and Jobs are created
 * @param source where the configuration came from, for messages
 */
public record ClusterConnection(ApiClient client, String namespace, String source) {
  /** Where a pod's service account credentials are mounted. */
  static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  /** The API server's address, for messages. */
  public String server() {
    return client.getBasePath();
  }

  /**
   * @param kubeconfig an explicit kubeconfig file, or null
   * @param context a context of the kubeconfig to use instead of its current one, or null
   * @param namespace the namespace, or null for the configuration's
   */
  public static ClusterConnection open(Path kubeconfig, String context, String namespace) {
    return open(
        kubeconfig,
        context,
        namespace,
        System.getenv(),
        Path.of(System.getProperty("user.home")),
        SERVICE_ACCOUNT);
  }

  static ClusterConnection open(
      Path kubeconfig,
      String context,
      String namespace,
      Map<String, String> env,
      Path home,
      Path serviceAccount) {
    if (kubeconfig != null) {
      return fromKubeconfig(kubeconfig, context, namespace, "--kubeconfig " + kubeconfig);
    }
    String fromEnv = env.get("KUBECONFIG");
    if (fromEnv != null && !fromEnv.isBlank()) {
      // kubectl merges a list of files; the first one is what most setups hold.
      Path first = Path.of(fromEnv.split(File.pathSeparator)[0]);
      return fromKubeconfig(first, context, namespace, "$KUBECONFIG (" + first + ")");
    }
    if (env.containsKey("KUBERNETES_SERVICE_HOST")
        && Files.isRegularFile(serviceAccount.resolve("token"))) {
      if (context != null) {
        throw new IllegalArgumentException(
            "--context " + context + " needs a kubeconfig; inside a pod there is none");
      }
      return inCluster(namespace, serviceAccount);
    }
    Path defaultFile = home.resolve(".kube").resolve("config");
    if (Files.isRegularFile(defaultFile)) {
      return fromKubeconfig(defaultFile, context, namespace, defaultFile.toString());
    }
    throw new IllegalArgumentException(
        "no cluster configuration found: give --kubeconfig FILE, set KUBECONFIG, create "
            + defaultFile
            + " (e.g. gcloud container clusters get-credentials CLUSTER), or run inside a pod");
  }

  private static ClusterConnection fromKubeconfig(
      Path file, String context, String namespace, String source) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("kubeconfig " + file + " does not exist");
    }
    KubeConfig config;
    try (Reader reader = Files.newBufferedReader(file)) {
      config = KubeConfig.loadKubeConfig(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read kubeconfig " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("kubeconfig " + file + " is not valid: " + e, e);
    }
    if (context != null && !config.setContext(context)) {
      throw new IllegalArgumentException("kubeconfig " + file + " has no context named " + context);
    }
    if (config.getServer() == null) {
      throw new IllegalArgumentException(
          "kubeconfig "
              + file
              + " names no server for context "
              + config.getCurrentContext()
              + "; expected clusters[].cluster.server");
    }
    // Relative certificate and key paths are relative to the kubeconfig's directory.
    config.setFile(file.toAbsolutePath().toFile());
    ApiClient client;
    try {
      client = ClientBuilder.kubeconfig(config).build();
    } catch (IOException e) {
      throw new UncheckedIOException("could not set up a client from kubeconfig " + file, e);
    }
    String ns = namespace != null ? namespace : config.getNamespace();
    return new ClusterConnection(client, ns == null ? "default" : ns, source);
  }

  private static ClusterConnection inCluster(String namespace, Path serviceAccount) {
    ApiClient client;
    String own;
    try {
      client = ClientBuilder.cluster().build();
      own = Files.readString(serviceAccount.resolve("namespace")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not read the pod's service account from " + serviceAccount, e);
    }
    return new ClusterConnection(
        client, namespace != null ? namespace : own, "the pod's service account");
  }
}

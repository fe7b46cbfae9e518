package org.dalle.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;

/** Turns an {@link ApiException} into a {@link ClusterException} whose message says what to do. */
final class ApiErrors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiErrors() {}

  /**
   * @param action what was being done, e.g. "create a Workflow in namespace dalle"
   * @param notFound the message for a 404, naming the missing object and how to create it
   */
  static ClusterException describe(ApiException e, String server, String action, String notFound) {
    String detail = serverMessage(e);
    switch (e.getCode()) {
      case 0:
        return new ClusterException(
            "could not reach the Kubernetes API server at "
                + server
                + " to "
                + action
                + ": "
                + (e.getCause() == null ? e.getMessage() : e.getCause().toString())
                + ". Check the kubeconfig's server address and the network.",
            ClusterException.UNAVAILABLE,
            e);
      case 401:
        return new ClusterException(
            "the API server at "
                + server
                + " rejected the credentials (401 Unauthorized) when asked to "
                + action
                + ": the kubeconfig's token or client certificate is missing or expired;"
                + " refresh it (on GKE: gcloud container clusters get-credentials CLUSTER).",
            ClusterException.REFUSED,
            e);
      case 403:
        return new ClusterException(
            "not allowed to "
                + action
                + " (403 Forbidden): "
                + detail
                + ". The account needs the dalle-submitter role (k8s/base/rbac.yaml).",
            ClusterException.REFUSED,
            e);
      case 404:
        return new ClusterException(
            notFound + " (404: " + detail + ")", ClusterException.REFUSED, e);
      default:
        int code = e.getCode();
        return new ClusterException(
            "could not " + action + ": HTTP " + code + ": " + detail,
            code >= 500 ? ClusterException.UNAVAILABLE : ClusterException.REFUSED,
            e);
    }
  }

  /** The {@code message} of the server's Status object, or the raw body when it is not one. */
  static String serverMessage(ApiException e) {
    String body = e.getResponseBody();
    if (body == null || body.isBlank()) {
      return e.getMessage() == null ? "no details" : e.getMessage();
    }
    try {
      JsonNode status = JSON.readTree(body);
      if (status.hasNonNull("message")) {
        return status.get("message").asText();
      }
    } catch (IOException notJson) {
      // fall through: show the body as it came
    }
    return body.strip();
  }
}

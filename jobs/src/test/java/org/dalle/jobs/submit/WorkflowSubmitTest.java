package org.dalle.jobs.submit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.dalle.jobs.submit.FakeApiServer.json;
import static org.dalle.jobs.submit.FakeApiServer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dalle submit --template} and {@code dalle status} against a stand-in API server. */
class WorkflowSubmitTest {
  static final String TEMPLATES = "/apis/argoproj.io/v1alpha1/namespaces/dalle/workflowtemplates/";
  static final String WORKFLOWS = "/apis/argoproj.io/v1alpha1/namespaces/dalle/workflows";

  static final String TEMPLATE =
      "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"WorkflowTemplate\","
          + "\"metadata\":{\"name\":\"dalle-training\",\"namespace\":\"dalle\"},"
          + "\"spec\":{\"entrypoint\":\"train\",\"arguments\":{\"parameters\":["
          + "{\"name\":\"run-name\",\"description\":\"Names the run\"},"
          + "{\"name\":\"image\",\"value\":\"dalle-jobs\"},"
          + "{\"name\":\"seed\",\"value\":\"0\"}]}}}";

  static final String PINNED_TEMPLATE =
      "{\"metadata\":{\"name\":\"dalle-evaluation\","
          + "\"annotations\":{\"dalle.org/digest-parameters\":\"image\"}},"
          + "\"spec\":{\"arguments\":{\"parameters\":[{\"name\":\"run-name\"},{\"name\":\"image\"}]}}}";

  @TempDir Path dir;
  FakeApiServer api;

  @BeforeEach
  void start() throws Exception {
    api = new FakeApiServer(dir);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void templateExists() {
    api.server.stubFor(
        get(urlEqualTo(TEMPLATES + "dalle-training")).willReturn(json(200, TEMPLATE)));
  }

  private void createReturns(String name) {
    api.server.stubFor(
        post(urlEqualTo(WORKFLOWS))
            .willReturn(
                json(
                    201,
                    "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Workflow\","
                        + "\"metadata\":{\"name\":\""
                        + name
                        + "\",\"namespace\":\"dalle\"}}")));
  }

  /** GET of the workflow answers each body in turn, then keeps answering the last. */
  private void workflowGoesThrough(String name, String... statuses) {
    for (int i = 0; i < statuses.length; i++) {
      String state = i == 0 ? STARTED : "poll-" + i;
      var stub =
          get(urlEqualTo(WORKFLOWS + "/" + name))
              .inScenario("status")
              .whenScenarioStateIs(state)
              .willReturn(
                  json(
                      200,
                      "{\"metadata\":{\"name\":\"" + name + "\"},\"status\":" + statuses[i] + "}"));
      if (i + 1 < statuses.length) {
        stub = stub.willSetStateTo("poll-" + (i + 1));
      }
      api.server.stubFor(stub);
    }
  }

  static String node(String name, String phase, String startedAt) {
    return "\""
        + name
        + "-id\":{\"displayName\":\""
        + name
        + "\",\"type\":\"Pod\",\"phase\":\""
        + phase
        + "\",\"startedAt\":\""
        + startedAt
        + "\"}";
  }

  @Test
  void submitsTheTemplateWithParametersAndWatchesUntilSucceeded() {
    templateExists();
    createReturns("dalle-training-x7k2p");
    workflowGoesThrough(
        "dalle-training-x7k2p",
        "{}",
        "{\"phase\":\"Running\",\"progress\":\"0/2\",\"nodes\":{"
            + node("prepare", "Running", "2026-01-01T00:00:00Z")
            + "}}",
        "{\"phase\":\"Running\",\"progress\":\"1/2\",\"nodes\":{"
            + node("prepare", "Succeeded", "2026-01-01T00:00:00Z")
            + ","
            + node("train-dvae", "Running", "2026-01-01T01:00:00Z")
            + "}}",
        "{\"phase\":\"Succeeded\",\"progress\":\"2/2\",\"nodes\":{"
            + node("prepare", "Succeeded", "2026-01-01T00:00:00Z")
            + ","
            + node("train-dvae", "Succeeded", "2026-01-01T01:00:00Z")
            + "},"
            + "\"outputs\":{\"parameters\":[{\"name\":\"metrics\",\"value\":\"{\\\"fid\\\": 27.5}\"}]}}");

    FakeApiServer.Result result =
        api.run(
            "submit",
            "--template",
            "dalle-training",
            "-p",
            "run-name=v1",
            "-p",
            "image=reg/dalle-jobs:1",
            "--poll-interval",
            "0");

    assertEquals(0, result.code(), result.err());
    api.server.verify(
        postRequestedFor(urlEqualTo(WORKFLOWS))
            .withHeader("Authorization", equalTo("Bearer " + FakeApiServer.TOKEN))
            .withRequestBody(
                equalToJson(
                    "{\"apiVersion\":\"argoproj.io/v1alpha1\",\"kind\":\"Workflow\","
                        + "\"metadata\":{\"generateName\":\"dalle-training-\","
                        + "\"labels\":{\"app.kubernetes.io/part-of\":\"dalle\"}},"
                        + "\"spec\":{\"workflowTemplateRef\":{\"name\":\"dalle-training\"},"
                        + "\"arguments\":{\"parameters\":["
                        + "{\"name\":\"run-name\",\"value\":\"v1\"},"
                        + "{\"name\":\"image\",\"value\":\"reg/dalle-jobs:1\"}]}}}")));
    String out = result.out();
    assertTrue(out.contains("submitted workflow dalle-training-x7k2p in namespace dalle"), out);
    assertTrue(out.contains("workflow dalle-training-x7k2p: Pending"), out);
    assertTrue(out.contains("workflow dalle-training-x7k2p: Running (1/2 steps)"), out);
    assertTrue(out.contains("  prepare  Running"), out);
    assertTrue(out.contains("  prepare  Succeeded"), out);
    assertTrue(out.contains("  train-dvae  Succeeded"), out);
    assertTrue(out.contains("workflow dalle-training-x7k2p: Succeeded (2/2 steps)"), out);
    assertTrue(out.contains("metrics: {\"fid\": 27.5}"), out);
    assertTrue(
        out.indexOf("prepare  Running") < out.indexOf("train-dvae  Running")
            && out.indexOf("train-dvae  Running") < out.indexOf("Succeeded (2/2"),
        out);
  }

  @Test
  void aFailedWorkflowExitsWithOneAndSaysWhy() {
    templateExists();
    createReturns("dalle-training-f41l");
    workflowGoesThrough(
        "dalle-training-f41l",
        "{\"phase\":\"Running\",\"nodes\":{" + node("prepare", "Running", "t1") + "}}",
        "{\"phase\":\"Failed\",\"message\":\"child 'prepare' failed\",\"nodes\":{"
            + "\"p\":{\"displayName\":\"prepare\",\"type\":\"Pod\",\"phase\":\"Failed\","
            + "\"startedAt\":\"t1\",\"message\":\"Error (exit code 2)\"}}}");

    FakeApiServer.Result result =
        api.run(
            "submit", "--template", "dalle-training", "-p", "run-name=v1", "--poll-interval", "0");

    assertEquals(1, result.code());
    assertTrue(result.out().contains("Failed — child 'prepare' failed"), result.out());
    assertTrue(result.out().contains("prepare  Failed — Error (exit code 2)"), result.out());
    assertTrue(result.err().contains("workflow dalle-training-f41l ended Failed"), result.err());
    assertTrue(result.err().contains("dalle logs dalle-training-f41l"), result.err());
  }

  @Test
  void noWaitReturnsOnceCreated() {
    templateExists();
    createReturns("dalle-training-q");
    FakeApiServer.Result result =
        api.run("submit", "--template", "dalle-training", "-p", "run-name=v1", "--no-wait");
    assertEquals(0, result.code(), result.err());
    api.server.verify(0, getRequestedFor(urlEqualTo(WORKFLOWS + "/dalle-training-q")));
  }

  @Test
  void unknownAndMissingParametersAreRefusedBeforeCreatingAnything() {
    templateExists();
    FakeApiServer.Result result =
        api.run("submit", "--template", "dalle-training", "-p", "run-nme=v1");
    assertEquals(2, result.code());
    assertTrue(result.err().contains("unknown parameter run-nme"), result.err());
    assertTrue(
        result.err().contains("missing required parameter run-name (Names the run)"), result.err());
    assertTrue(result.err().contains("Declared parameters: run-name, image, seed"), result.err());
    api.server.verify(0, postRequestedFor(urlEqualTo(WORKFLOWS)));
  }

  @Test
  void aPinnedTemplateRefusesAnImageTag() {
    api.server.stubFor(
        get(urlEqualTo(TEMPLATES + "dalle-evaluation")).willReturn(json(200, PINNED_TEMPLATE)));
    FakeApiServer.Result tag =
        api.run(
            "submit",
            "--template",
            "dalle-evaluation",
            "-p",
            "run-name=e",
            "-p",
            "image=reg/dalle-jobs:latest");
    assertEquals(2, tag.code());
    assertTrue(tag.err().contains("parameter image must name an image by digest"), tag.err());
    assertTrue(tag.err().contains("got reg/dalle-jobs:latest"), tag.err());
    api.server.verify(0, postRequestedFor(urlEqualTo(WORKFLOWS)));

    createReturns("dalle-evaluation-a");
    FakeApiServer.Result digest =
        api.run(
            "submit",
            "--template",
            "dalle-evaluation",
            "-p",
            "run-name=e",
            "-p",
            "image=reg/dalle-jobs@sha256:" + "ab".repeat(32),
            "--no-wait");
    assertEquals(0, digest.code(), digest.err());
  }

  @Test
  void aMissingTemplateSaysHowToInstallIt() {
    api.server.stubFor(
        get(urlEqualTo(TEMPLATES + "dalle-trainin"))
            .willReturn(
                status(
                    404,
                    "NotFound",
                    "workflowtemplates.argoproj.io \\\"dalle-trainin\\\" not found")));
    FakeApiServer.Result result = api.run("submit", "--template", "dalle-trainin", "-p", "a=b");
    assertEquals(2, result.code());
    assertTrue(
        result
            .err()
            .contains(
                "WorkflowTemplate dalle-trainin not found in namespace dalle;"
                    + " install the templates with kubectl apply -k k8s/overlays/<cluster>"),
        result.err());
  }

  @Test
  void rejectedCredentialsAndMissingPermissionsAreExplained() {
    api.server.stubFor(
        get(urlEqualTo(TEMPLATES + "dalle-training"))
            .willReturn(status(401, "Unauthorized", "Unauthorized")));
    FakeApiServer.Result unauthorized =
        api.run("submit", "--template", "dalle-training", "-p", "run-name=v1");
    assertEquals(2, unauthorized.code());
    assertTrue(
        unauthorized.err().contains("rejected the credentials (401 Unauthorized)"),
        unauthorized.err());
    assertTrue(unauthorized.err().contains("token or client certificate"), unauthorized.err());

    templateExists();
    api.server.stubFor(
        post(urlEqualTo(WORKFLOWS))
            .willReturn(
                status(
                    403,
                    "Forbidden",
                    "workflows.argoproj.io is forbidden: User \\\"ci\\\" cannot create resource"
                        + " \\\"workflows\\\" in API group \\\"argoproj.io\\\" in the namespace"
                        + " \\\"dalle\\\"")));
    FakeApiServer.Result forbidden =
        api.run("submit", "--template", "dalle-training", "-p", "run-name=v1");
    assertEquals(2, forbidden.code());
    assertTrue(
        forbidden
            .err()
            .contains(
                "not allowed to create a Workflow in namespace dalle (403 Forbidden): workflows.argoproj.io"
                    + " is forbidden: User \"ci\" cannot create resource"),
        forbidden.err());
    assertTrue(forbidden.err().contains("dalle-submitter role"), forbidden.err());
  }

  @Test
  void statusOfAnUnknownWorkflowIsNotFound() {
    api.server.stubFor(
        get(urlEqualTo(WORKFLOWS + "/nope"))
            .willReturn(status(404, "NotFound", "workflows.argoproj.io \\\"nope\\\" not found")));
    FakeApiServer.Result result = api.run("status", "nope");
    assertEquals(2, result.code());
    assertTrue(result.err().contains("workflow nope not found in namespace dalle"), result.err());
  }

  @Test
  void statusPrintsStepsAndFailsForAFailedWorkflow() {
    workflowGoesThrough(
        "w1",
        "{\"phase\":\"Failed\",\"progress\":\"1/3\",\"nodes\":{"
            + node("prepare", "Succeeded", "t1")
            + ","
            + node("train-dvae", "Failed", "t2")
            + "}}");
    FakeApiServer.Result result = api.run("status", "w1", "-n", "dalle");
    assertEquals(1, result.code());
    assertTrue(result.out().startsWith("workflow w1: Failed (1/3 steps)"), result.out());
    assertTrue(result.out().contains("  train-dvae  Failed"), result.out());
  }

  @Test
  void anUnreachableServerIsSaidToBe() {
    int port = api.server.port();
    api.server.stop();
    FakeApiServer.Result result = api.run("status", "w1");
    assertEquals(1, result.code());
    assertTrue(
        result
            .err()
            .contains("could not reach the Kubernetes API server at http://127.0.0.1:" + port),
        result.err());
  }
}

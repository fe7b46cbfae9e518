package org.dalle.jobs.submit;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.dalle.jobs.submit.FakeApiServer.json;
import static org.dalle.jobs.submit.FakeApiServer.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.models.V1Job;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dalle submit --job} and {@code dalle logs} against a stand-in API server. */
class StageJobSubmitTest {
  static final String JOBS = "/apis/batch/v1/namespaces/dalle/jobs";
  static final String PODS = "/api/v1/namespaces/dalle/pods";

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

  private void jobGoesThrough(String name, String... statuses) {
    for (int i = 0; i < statuses.length; i++) {
      var stub =
          get(urlEqualTo(JOBS + "/" + name))
              .inScenario("job")
              .whenScenarioStateIs(i == 0 ? STARTED : "poll-" + i)
              .willReturn(
                  json(
                      200,
                      "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"metadata\":{\"name\":\""
                          + name
                          + "\"},\"status\":"
                          + statuses[i]
                          + "}"));
      if (i + 1 < statuses.length) {
        stub = stub.willSetStateTo("poll-" + (i + 1));
      }
      api.server.stubFor(stub);
    }
  }

  private void createReturns(String name) {
    api.server.stubFor(
        post(urlEqualTo(JOBS))
            .willReturn(
                json(
                    201,
                    "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
                        + "\"metadata\":{\"name\":\""
                        + name
                        + "\",\"namespace\":\"dalle\"}}")));
  }

  @Test
  void bundledStageSpecsLoadAsStrictJobs() {
    for (String stage :
        new String[] {
          "prepare", "train-dvae", "encode", "train-transformer", "train-clip", "sample", "evaluate"
        }) {
      V1Job job = StageJobs.load(stage, null);
      assertEquals("dalle-" + stage, job.getMetadata().getName());
      assertEquals(
          stage, job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().get(0));
    }
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> StageJobs.load("train-vae", null));
    assertTrue(
        unknown.getMessage().contains("no Job spec for stage train-vae"), unknown.getMessage());
  }

  @Test
  void runsTheStageJobWithTheRunNameAndImageAndWatchesUntilComplete() {
    createReturns("dalle-train-dvae-ab12c");
    jobGoesThrough(
        "dalle-train-dvae-ab12c",
        "{}",
        "{\"active\":1}",
        "{\"failed\":1,\"active\":1}",
        "{\"succeeded\":1,\"failed\":1,\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}");

    FakeApiServer.Result result =
        api.run(
            "submit",
            "--job",
            "train-dvae",
            "--run-name",
            "v1",
            "--image",
            "reg/dalle:cuda",
            "--poll-interval",
            "0");

    assertEquals(0, result.code(), result.err());
    api.server.verify(
        postRequestedFor(urlEqualTo(JOBS))
            .withRequestBody(
                matchingJsonPath("$.metadata.generateName", equalTo("dalle-train-dvae-")))
            .withRequestBody(
                matchingJsonPath("$.metadata.labels['dalle.org/run-name']", equalTo("v1")))
            .withRequestBody(
                matchingJsonPath(
                    "$.spec.template.spec.containers[0].image", equalTo("reg/dalle:cuda")))
            .withRequestBody(
                matchingJsonPath("$.spec.template.spec.containers[0].env[0].value", equalTo("v1")))
            .withRequestBody(
                matchingJsonPath(
                    "$.spec.podFailurePolicy.rules[0].onExitCodes.values[0]", equalTo("2"))));
    String out = result.out();
    assertTrue(out.contains("submitted job dalle-train-dvae-ab12c in namespace dalle"), out);
    assertTrue(out.contains("job dalle-train-dvae-ab12c: Running"), out);
    assertTrue(out.contains("pods: 1 active, 0 succeeded, 1 failed"), out);
    assertTrue(out.contains("job dalle-train-dvae-ab12c: Succeeded"), out);
  }

  @Test
  void aBundledSpecWithoutAnImageIsRefusedBeforeAnythingIsCreated() {
    FakeApiServer.Result result =
        api.run("submit", "--job", "sample", "--run-name", "v1", "--no-wait");
    assertEquals(2, result.code(), result.out());
    assertTrue(
        result.err().contains("names image dalle-jobs, which has no tag or digest"), result.err());
    api.server.verify(0, postRequestedFor(urlEqualTo(JOBS)));
  }

  @Test
  void theRunNameFillsTheCheckpointMountPath() {
    createReturns("dalle-train-clip-x");
    FakeApiServer.Result result =
        api.run(
            "submit",
            "--job",
            "train-clip",
            "--run-name",
            "v7",
            "--image",
            "reg/dalle:cuda",
            "--no-wait");
    assertEquals(0, result.code(), result.err());
    api.server.verify(
        postRequestedFor(urlEqualTo(JOBS))
            .withRequestBody(
                matchingJsonPath(
                    "$.spec.template.spec.containers[0].volumeMounts[?(@.name == 'checkpoints')]"
                        + ".mountPath",
                    equalTo("/runs/v7/clip/checkpoints"))));
  }

  @Test
  void aFailedJobExitsWithOneAndGivesTheReason() {
    createReturns("dalle-encode-zz");
    jobGoesThrough(
        "dalle-encode-zz",
        "{\"failed\":1,\"conditions\":[{\"type\":\"Failed\",\"status\":\"True\","
            + "\"reason\":\"PodFailurePolicy\",\"message\":\"Container dalle for pod dalle/x failed"
            + " with exit code 2 matching FailJob rule at index 0\"}]}");
    FakeApiServer.Result result =
        api.run(
            "submit",
            "--job",
            "encode",
            "--run-name",
            "v1",
            "--image",
            "reg/dalle:cpu",
            "--poll-interval",
            "0");
    assertEquals(1, result.code());
    assertTrue(
        result
            .out()
            .contains(
                "Failed — PodFailurePolicy: Container dalle for pod dalle/x"
                    + " failed with exit code 2"),
        result.out());
    assertTrue(result.err().contains("dalle logs --job dalle-encode-zz"), result.err());
  }

  @Test
  void aJobFromARenderedOverlayFileIsUsed() throws Exception {
    Path rendered = dir.resolve("cpu.yaml");
    Files.writeString(
        rendered,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata: {name: dalle-settings}",
            "---",
            "apiVersion: batch/v1",
            "kind: Job",
            "metadata: {name: dalle-sample, namespace: dalle}",
            "spec:",
            "  template:",
            "    spec:",
            "      restartPolicy: Never",
            "      containers:",
            "        - name: dalle",
            "          image: registry.local/dalle-jobs:cpu",
            "          args: [sample]",
            ""));
    createReturns("dalle-sample-1");
    FakeApiServer.Result result =
        api.run(
            "submit",
            "--job",
            "sample",
            "--run-name",
            "r",
            "--manifests",
            rendered.toString(),
            "--no-wait");
    assertEquals(0, result.code(), result.err());
    api.server.verify(
        postRequestedFor(urlEqualTo(JOBS))
            .withRequestBody(
                matchingJsonPath(
                    "$.spec.template.spec.containers[0].image",
                    equalTo("registry.local/dalle-jobs:cpu"))));

    Files.writeString(
        rendered,
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: dalle-sample}\n"
            + "spec: {template: {spec: {containers: [{name: dalle, imagePullPolicy: Always, imag: x}]}}}\n");
    FakeApiServer.Result typo =
        api.run("submit", "--job", "sample", "--run-name", "r", "--manifests", rendered.toString());
    assertEquals(2, typo.code());
    assertTrue(typo.err().contains("is not a valid batch/v1 Job"), typo.err());
    assertTrue(typo.err().contains("imag"), typo.err());
  }

  @Test
  void aWorldSizeThatIsNotTheCompletionCountIsRefusedBeforeAnythingIsCreated() throws Exception {
    Path rendered = dir.resolve("ranks.yaml");
    Files.writeString(
        rendered,
        String.join(
            "\n",
            "apiVersion: batch/v1",
            "kind: Job",
            "metadata: {name: dalle-train-transformer}",
            "spec:",
            "  completionMode: Indexed",
            "  completions: 4",
            "  parallelism: 4",
            "  template:",
            "    spec:",
            "      restartPolicy: Never",
            "      containers:",
            "        - name: dalle",
            "          image: registry.local/dalle-jobs:cpu",
            "          args: [train-transformer]",
            "          env: [{name: WORLD_SIZE, value: '2'}]",
            ""));
    FakeApiServer.Result result =
        api.run(
            "submit",
            "--job",
            "train-transformer",
            "--run-name",
            "r",
            "--manifests",
            rendered.toString(),
            "--no-wait");
    assertEquals(2, result.code(), result.out());
    assertTrue(
        result
            .err()
            .contains(
                "Job dalle-train-transformer has WORLD_SIZE 2, completions 4 and parallelism 4;"
                    + " expected all three equal"),
        result.err());
    api.server.verify(0, postRequestedFor(urlEqualTo(JOBS)));
  }

  @Test
  void flagsOfTheOtherModeAreRefused() {
    FakeApiServer.Result noRun = api.run("submit", "--job", "sample");
    assertEquals(2, noRun.code());
    assertTrue(noRun.err().contains("--job needs --run-name"), noRun.err());
    FakeApiServer.Result both = api.run("submit", "--job", "sample", "--template", "x");
    assertEquals(2, both.code());
    FakeApiServer.Result param = api.run("submit", "--template", "x", "--run-name", "r");
    assertEquals(2, param.code());
    assertTrue(param.err().contains("--run-name is for --job"), param.err());
  }

  @Test
  void logsPrintEachStepPodUnderAHeader() {
    api.server.stubFor(
        get(urlPathEqualTo(PODS))
            .withQueryParam("labelSelector", equalTo("workflows.argoproj.io/workflow=w1"))
            .willReturn(
                json(
                    200,
                    "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":["
                        + pod("w1-train-dvae-2", "w1.train-dvae", "2026-01-01T01:00:00Z")
                        + ","
                        + pod("w1-prepare-1", "w1.prepare", "2026-01-01T00:00:00Z")
                        + "]}")));
    api.server.stubFor(
        get(urlPathEqualTo(PODS + "/w1-prepare-1/log"))
            .withQueryParam("container", equalTo("main"))
            .willReturn(json(200, "prepare: done.\n").withHeader("Content-Type", "text/plain")));
    api.server.stubFor(
        get(urlPathEqualTo(PODS + "/w1-train-dvae-2/log"))
            .withQueryParam("container", equalTo("main"))
            .willReturn(
                status(
                    400,
                    "BadRequest",
                    "container \\\"main\\\" in pod \\\"w1-train-dvae-2\\\" is waiting to start")));

    FakeApiServer.Result result = api.run("logs", "w1");

    assertEquals(0, result.code(), result.err());
    assertEquals(
        "== w1.prepare (pod w1-prepare-1)\nprepare: done.\n"
            + "== w1.train-dvae (pod w1-train-dvae-2)\n(no log: container \"main\" in pod"
            + " \"w1-train-dvae-2\" is waiting to start)\n",
        result.out());

    FakeApiServer.Result none = api.run("logs", "w1", "--step", "evaluate");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("no pods found for workflow w1 step evaluate"), none.err());
  }

  static String pod(String name, String nodeName, String created) {
    return "{\"metadata\":{\"name\":\""
        + name
        + "\",\"creationTimestamp\":\""
        + created
        + "\",\"annotations\":{\"workflows.argoproj.io/node-name\":\""
        + nodeName
        + "\"}}}";
  }
}

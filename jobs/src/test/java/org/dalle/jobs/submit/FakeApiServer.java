package org.dalle.jobs.submit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dalle.jobs.cli.DalleCommand;
import picocli.CommandLine;

/**
 * A stand-in for the Kubernetes API server: WireMock on loopback over real HTTP, a kubeconfig that
 * points at it with a bearer token, and a way to run {@code dalle} against it.
 */
final class FakeApiServer implements AutoCloseable {
  static final String TOKEN = "t0ken-for-tests";
  static final String NAMESPACE = "dalle";

  final WireMockServer server;
  final Path kubeconfig;

  FakeApiServer(Path dir) throws IOException {
    server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: fake",
            "  cluster:",
            "    server: http://127.0.0.1:" + server.port(),
            "users:",
            "- name: tester",
            "  user:",
            "    token: " + TOKEN,
            "contexts:",
            "- name: fake",
            "  context:",
            "    cluster: fake",
            "    user: tester",
            "    namespace: " + NAMESPACE,
            "current-context: fake",
            ""));
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  /** A Kubernetes Status object, as the API server sends with errors. */
  static ResponseDefinitionBuilder status(int code, String reason, String message) {
    return json(
        code,
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\""
            + message
            + "\",\"reason\":\""
            + reason
            + "\",\"code\":"
            + code
            + "}");
  }

  /** Runs {@code dalle ARGS --kubeconfig FILE} and returns its exit code, stdout and stderr. */
  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DalleCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    int code = cli.execute(all);
    return new Result(code, out.toString(), err.toString());
  }

  record Result(int code, String out, String err) {}

  @Override
  public void close() {
    server.stop();
  }
}

package org.dalle.jobs.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which configuration {@link ClusterConnection} picks, in kubectl's order. */
class ClusterConnectionTest {
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

  @Test
  void theKubeconfigFlagWinsAndGivesServerAndNamespace() {
    ClusterConnection c =
        ClusterConnection.open(
            api.kubeconfig, null, null, Map.of("KUBECONFIG", "/nowhere"), dir, dir);
    assertEquals("http://127.0.0.1:" + api.server.port(), c.server());
    assertEquals("dalle", c.namespace());
    assertEquals(
        "ns2", ClusterConnection.open(api.kubeconfig, null, "ns2", Map.of(), dir, dir).namespace());
  }

  @Test
  void kubeconfigEnvironmentVariableThenHomeDirectory() throws Exception {
    ClusterConnection fromEnv =
        ClusterConnection.open(
            null, null, null, Map.of("KUBECONFIG", api.kubeconfig.toString()), dir, dir);
    assertTrue(fromEnv.source().startsWith("$KUBECONFIG"), fromEnv.source());
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve(".kube"));
    Files.copy(api.kubeconfig, home.resolve(".kube/config"));
    ClusterConnection fromHome = ClusterConnection.open(null, null, null, Map.of(), home, dir);
    assertEquals(home.resolve(".kube/config").toString(), fromHome.source());
  }

  @Test
  void missingConfigurationAndUnknownContextAreExplained() {
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterConnection.open(null, null, null, Map.of(), dir.resolve("empty"), dir));
    assertTrue(none.getMessage().startsWith("no cluster configuration found"), none.getMessage());
    IllegalArgumentException context =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClusterConnection.open(api.kubeconfig, "prod", null, Map.of(), dir, dir));
    assertTrue(context.getMessage().endsWith("has no context named prod"), context.getMessage());
  }
}

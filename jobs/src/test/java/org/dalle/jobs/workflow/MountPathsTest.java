package org.dalle.jobs.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MountPathsTest {
  private final MountPaths mounts = MountPaths.under(Path.of("/tmp/local"));

  @Test
  void mapsPathsUnderTheMountsWhereverAnArgumentNamesThem() {
    assertEquals("--out=/tmp/local/runs/v1/dvae", mounts.map("--out=/runs/v1/dvae"));
    assertEquals("list:/tmp/local/data/coco/refs.txt", mounts.map("list:/data/coco/refs.txt"));
    assertEquals(
        "torchscript:/tmp/local/models/inception.pt@299",
        mounts.map("torchscript:/models/inception.pt@299"));
    assertEquals("/tmp/local/runs", mounts.map("/runs"));
    assertEquals("--x=/tmp/local/data/a,/tmp/local/models/b", mounts.map("--x=/data/a,/models/b"));
  }

  @Test
  void mapsTheValuesOfAConfigFile() {
    assertEquals(
        "reference: list:/tmp/local/data/refs.txt\nout: /tmp/local/runs/x\nblur: [0, 1]\n"
            + "paths: [/tmp/local/models/a, \"/tmp/local/data/b\"]\n",
        mounts.map(
            "reference: list:/data/refs.txt\nout: /runs/x\nblur: [0, 1]\n"
                + "paths: [/models/a, \"/data/b\"]\n"));
  }

  @Test
  void leavesUrisOtherPathsAndLookalikesAlone() {
    assertEquals("--data=gs://bucket/runs/v1", mounts.map("--data=gs://bucket/runs/v1"));
    assertEquals("--out=/tmp/x", mounts.map("--out=/tmp/x"));
    assertEquals("--out=/runsX/v1", mounts.map("--out=/runsX/v1"));
    assertEquals("--out=relative/runs/v1", mounts.map("--out=relative/runs/v1"));
    assertEquals("--seed=0", mounts.map("--seed=0"));
  }

  @Test
  void rejectsAMountThatIsNotAnAbsolutePath() {
    assertThrows(
        IllegalArgumentException.class, () -> new MountPaths(Map.of("runs", Path.of("/x"))));
    assertThrows(
        IllegalArgumentException.class, () -> new MountPaths(Map.of("/runs/", Path.of("/x"))));
  }
}

package org.dalle.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

  private static final String BEFORE =
      """
      ---
      data: runs/x/data
      out: runs/x/dvae
      steps: 2000
      threads: 1
      learning_rate: 1.0E-4
      model:
        vocab_size: 512
        groups: 3
      """;

  @Test
  void sameConfigHasNoChanges() {
    assertEquals(List.of(), ConfigChanges.between(BEFORE, BEFORE));
  }

  @Test
  void changedAddedAndRemovedKeysAreNamedWithBothValuesNestedKeysDotted() {
    String after =
        """
        data: runs/x/data
        out: runs/x/dvae
        steps: 3000
        threads: 1
        model:
          vocab_size: 1024
          groups: 3
        flip: false
        """;

    assertEquals(
        List.of(
            "flip: (absent) -> false",
            "learning_rate: 1.0E-4 -> (absent)",
            "model.vocab_size: 512 -> 1024",
            "steps: 2000 -> 3000"),
        ConfigChanges.between(BEFORE, after));
  }

  @Test
  void whereAndHowFastARunGoesIsNotAChange() {
    String elsewhere =
        BEFORE
            .replace("out: runs/x/dvae", "out: /mnt/runs/x/dvae")
            .replace("threads: 1", "threads: 16")
            .concat("checkpoint_every: 50\nkeep_checkpoints: 5\n");

    assertEquals(List.of(), ConfigChanges.between(BEFORE, elsewhere));
  }

  @Test
  void textThatIsNotAMappingIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ConfigChanges.between("- a\n", BEFORE));
    assertEquals("the earlier config is not a YAML mapping of settings", e.getMessage());
  }
}

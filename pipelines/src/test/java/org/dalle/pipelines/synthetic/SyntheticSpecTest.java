package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticSpecTest {
  @Test
  void appliesDefaults() {
    assertEquals(
        new SyntheticSpec(1000, 42, 64, SyntheticSplit.TRAIN, SceneMix.DEFAULT),
        SyntheticSpec.parse("1000", 42));
  }

  @Test
  void parsesEveryKey() {
    assertEquals(
        new SyntheticSpec(5, -3, 32, SyntheticSplit.HELDOUT, new SceneMix(1, 0, 2.5)),
        SyntheticSpec.parse(" 5, seed=-3 ,size=32,split=heldout,single=1,count=0,relation=2.5", 0));
  }

  @Test
  void keepsDefaultWeightsThatAreNotNamed() {
    assertEquals(new SceneMix(0.4, 0.3, 0), SyntheticSpec.parse("10,relation=0", 0).mix());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|N is missing",
        "seed=1|N is missing",
        "-5|N must be at least 1",
        "0|N must be at least 1",
        "ten|N must be an integer, got 'ten'",
        "5,size=8|size must be between 16 and 1024 pixels, got 8",
        "5,size=99999999999|size must be an integer",
        "5,seed=x|seed must be an integer, got 'x'",
        "5,split=test|unknown split 'test'",
        "5,colour=red|unknown key 'colour'",
        "5,seed=1,seed=2|key 'seed' is given twice",
        "5,seed|'seed' is not key=value",
        "5,single=0,count=0,relation=0|at least one scene weight must be positive",
        "5,count=-1|scene weights must be finite and >= 0",
        "5,relation=lots|weight relation must be a number, got 'lots'"
      })
  void rejectsBadSpecsNamingTheBadPartAndTheForm(String argument, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SyntheticSpec.parse(argument, 0));
    assertTrue(e.getMessage().contains(problem), e.getMessage());
    assertTrue(e.getMessage().contains("'" + argument + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("expected N[,seed=S][,size=P]"), e.getMessage());
  }
}

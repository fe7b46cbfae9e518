package org.dalle.jobs.workflow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WhenConditionTest {
  @Test
  void comparesQuotedAndBareStrings() {
    assertTrue(WhenCondition.holds("'direct' == 'direct'"));
    assertFalse(WhenCondition.holds("'flex' == 'direct'"));
    assertTrue(WhenCondition.holds("'flex' != 'direct'"));
    assertFalse(WhenCondition.holds(" 'flex'!='flex' "));
    assertTrue(WhenCondition.holds("heads == heads"));
    assertTrue(WhenCondition.holds("'' == ''"), "an empty parameter compares as empty");
  }

  @Test
  void refusesWhatItCannotEvaluate() {
    for (String condition :
        new String[] {"'a' == 'a' && 'b' == 'b'", "3 < 4", "'a'", "{{=inputs.parameters.x}}"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> WhenCondition.holds(condition));
      assertTrue(e.getMessage().contains("'a' == 'b' or 'a' != 'b'"), e.getMessage());
    }
  }
}

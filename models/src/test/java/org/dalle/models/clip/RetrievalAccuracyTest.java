package org.dalle.models.clip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RetrievalAccuracyTest {

  @Test
  void countsTopOneAndTopFiveInBothDirections() {
    // 6 pairs; row i = image i against captions 0..5.
    float[] s = {
      9, 1, 1, 1, 1, 1, // image 0: its caption first
      8, 2, 1, 1, 1, 1, // image 1: caption 0 first, its own second
      0, 1, 2, 3, 4, 5, // image 2: its own caption fourth
      1, 1, 1, 9, 1, 1, // image 3: first
      1, 1, 1, 1, 0, 1, // image 4: last, and ties put 0..3, 5 ahead
      1, 1, 1, 1, 1, 7, // image 5: first
    };
    RetrievalAccuracy accuracy = RetrievalAccuracy.of(s, List.of("a", "b", "c", "d", "e", "f"));
    assertEquals(6, accuracy.count());
    assertEquals(3.0 / 6, accuracy.imageToTextTop1());
    assertEquals(5.0 / 6, accuracy.imageToTextTop5()); // all but image 4
    // Column j = caption j against images 0..5: caption 0 → image 0 (9 beats 8); caption 1 →
    // image 1 (2, best); caption 2 → image 2 (2, best); caption 3 → 3; caption 4 → image 2 (4)
    // ahead of image 4 (0) and others; caption 5 → image 5.
    assertEquals(5.0 / 6, accuracy.textToImageTop1());
    assertEquals(5.0 / 6, accuracy.textToImageTop5());
    assertEquals((3.0 / 6 + 5.0 / 6) / 2, accuracy.meanTop1());
  }

  @Test
  void aRepeatedCaptionCountsAsTheRightAnswer() {
    // Images 0 and 1 share a caption: image 1 retrieving caption 0 is correct.
    float[] s = {
      5, 1, 0, //
      5, 1, 0, //
      0, 0, 5
    };
    RetrievalAccuracy accuracy = RetrievalAccuracy.of(s, List.of("x", "x", "y"));
    assertEquals(1.0, accuracy.imageToTextTop1());
    assertEquals(1.0, accuracy.textToImageTop1());
  }

  @Test
  void rejectsAMatrixOfTheWrongSize() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RetrievalAccuracy.of(new float[5], List.of("a", "b")));
    assertEquals("5 similarities for 2 pairs; expected N·N with N >= 1", e.getMessage());
  }
}

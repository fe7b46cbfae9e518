package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CubSplitsTest {
  @Test
  void joinsPathsToTrainOrTestById() {
    assertEquals(
        Map.of("001.A/a.jpg", "train", "002.B/b.jpg", "test"),
        CubSplits.parse("1 001.A/a.jpg\r\n2 002.B/b.jpg\n\n", "2 0\n1 1\n"));
  }

  @Test
  void namesTheBadLineOrId() {
    assertEquals(
        "images.txt line 2 is '2'; expected '<image_id> <relative path>'",
        assertThrows(IllegalArgumentException.class, () -> CubSplits.parse("1 a.jpg\n2\n", "1 1\n"))
            .getMessage());
    assertEquals(
        "train_test_split.txt gives image id 1 the flag 'yes'; expected 1 (train) or 0 (test)",
        assertThrows(IllegalArgumentException.class, () -> CubSplits.parse("1 a.jpg\n", "1 yes\n"))
            .getMessage());
    assertEquals(
        "images.txt lists image id 2 that train_test_split.txt lacks",
        assertThrows(
                IllegalArgumentException.class,
                () -> CubSplits.parse("1 a.jpg\n2 b.jpg\n", "1 1\n"))
            .getMessage());
    assertEquals(
        "train_test_split.txt lists image id 9 that images.txt lacks",
        assertThrows(
                IllegalArgumentException.class, () -> CubSplits.parse("1 a.jpg\n", "1 1\n9 0\n"))
            .getMessage());
    assertEquals(
        "images.txt line 2 repeats image id 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> CubSplits.parse("1 a.jpg\n1 b.jpg\n", "1 1\n"))
            .getMessage());
  }
}

package org.dalle.pipelines.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class EncodeConfigTest {
  @Test
  void defaultsAreValid() {
    EncodeConfig config = EncodeConfig.of("data", "dvae", "out");
    assertEquals(32, config.batchSize());
    assertEquals(config, config.validate());
  }

  @Test
  void listsEveryProblem() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EncodeConfig("runs/a/data/", "", "runs/a/data", 0, -1).validate());
    String message = e.getMessage();
    assertTrue(message.contains("no model: give --dvae DIR"), message);
    assertTrue(message.contains("--out runs/a/data is the input directory"), message);
    assertTrue(message.contains("batch_size must be in [1, 4096], got 0"), message);
    assertTrue(message.contains("threads must be >= 0"), message);
  }

  @Test
  void pixelsAreChannelFirstInUnitRange() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0080);
    image.setRGB(1, 0, 0x00ff33);
    assertArrayEquals(
        new float[] {1f, 0f, 0f, 1f, 128 / 255f, 51 / 255f}, ImagePixels.channelsFirst(image));
  }
}

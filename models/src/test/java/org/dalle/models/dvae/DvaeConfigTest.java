package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class DvaeConfigTest {

  @Test
  void paperPresetIsThePapersModel() {
    DvaeConfig paper = DvaeConfig.paper().validate();
    assertEquals(256, paper.imageSize());
    assertEquals(32, paper.gridSize());
    assertEquals(1024, paper.tokensPerImage());
    assertEquals(8192, paper.vocabSize());
    assertEquals(8, paper.layerCount());
    assertEquals(1f / 64, paper.postGain());
    assertEquals(256, paper.encoderWidth(0));
    assertEquals(2048, paper.encoderWidth(3));
    assertEquals(2048, paper.decoderWidth(0));
    assertEquals(256, paper.decoderWidth(3));
  }

  @Test
  void tinyPresetGivesAnEightByEightGrid() {
    DvaeConfig tiny = DvaeConfig.tiny().validate();
    assertEquals(32, tiny.imageSize());
    assertEquals(8, tiny.gridSize());
    assertEquals(3, tiny.layerCount());
    assertEquals(1f / 9, tiny.postGain());
  }

  @Test
  void oneGroupKeepsTheImageResolution() {
    assertEquals(16, new DvaeConfig(16, 3, 4, 8, 8, 1, 1).validate().gridSize());
  }

  @Test
  void rejectsAnImageSizeThatDoesNotHalveEvenly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DvaeConfig(60, 3, 512, 32, 64, 1, 4).validate());
    assertTrue(
        e.getMessage().contains("image_size is 60; expected a multiple of 8"), e.getMessage());
  }

  @Test
  void rejectsAHiddenWidthWithoutAnIntegralBottleneck() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DvaeConfig(32, 3, 512, 30, 64, 1, 3).validate());
    assertTrue(
        e.getMessage().contains("hidden_width is 30; expected a multiple of 4"), e.getMessage());
  }

  @Test
  void rejectsMissingNumbersByName() {
    assertMessage(new DvaeConfig(32, 0, 512, 32, 64, 1, 3), "channels is 0; expected at least 1");
    assertMessage(new DvaeConfig(32, 3, 1, 32, 64, 1, 3), "vocab_size is 1; expected at least 2");
    assertMessage(new DvaeConfig(32, 3, 512, 32, 0, 1, 3), "decoder_input_width is 0");
    assertMessage(new DvaeConfig(32, 3, 512, 32, 64, 0, 3), "blocks_per_group is 0");
    assertMessage(new DvaeConfig(32, 3, 512, 32, 64, 1, 0), "groups is 0");
    assertMessage(new DvaeConfig(0, 3, 512, 32, 64, 1, 3), "image_size is 0");
  }

  @Test
  void bindsFromSnakeCaseAndBack() throws IOException {
    ObjectMapper mapper =
        new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    String json =
        "{\"image_size\": 64, \"channels\": 3, \"vocab_size\": 1024, \"hidden_width\": 32,"
            + " \"decoder_input_width\": 32, \"blocks_per_group\": 2, \"groups\": 3}";
    DvaeConfig config = mapper.readValue(json, DvaeConfig.class);
    assertEquals(new DvaeConfig(64, 3, 1024, 32, 32, 2, 3), config);
    assertEquals(config, mapper.readValue(mapper.writeValueAsString(config), DvaeConfig.class));
    assertTrue(mapper.writeValueAsString(config).contains("\"blocks_per_group\":2"));
  }

  @Test
  void survivesJavaSerialization() throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(DvaeConfig.paper());
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(DvaeConfig.paper(), in.readObject());
    }
  }

  private static void assertMessage(DvaeConfig config, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}

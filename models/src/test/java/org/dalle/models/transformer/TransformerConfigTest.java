package org.dalle.models.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import org.junit.jupiter.api.Test;

/** The config: the paper's numbers, derived sizes, validation and its JSON/YAML spelling. */
class TransformerConfigTest {

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  @Test
  void paperConfigHasThePapersShape() {
    TransformerConfig paper = TransformerConfig.paper().validate();
    assertEquals(64, paper.headSize()); // 3968 / 62
    assertEquals(1024, paper.imageLength());
    assertEquals(1280, paper.sequenceLength());
    assertEquals(16384 + 256, paper.textEmbeddingRows());
    // "a 12-billion parameter sparse transformer" (section 2.2)
    assertEquals(12.3e9, paper.parameterCount(), 0.05e9);
  }

  @Test
  void parameterCountMatchesTheBuiltModel() {
    TransformerConfig config = TinyPriors.config(AttentionSchedule.SPARSE, 3);
    try (NDManager manager = NDManager.newBaseManager()) {
      assertEquals(config.parameterCount(), TinyPriors.model(config, manager, 1).parameterCount());
    }
  }

  @Test
  void badValuesAreRejectedByName() {
    TransformerConfig tiny = TransformerConfig.tiny().validate();
    assertMessage(
        "d_model is 130; expected a multiple of heads (4) so every head has the same width",
        with(tiny, 130, 4, 5, 0.1f));
    assertMessage(
        "conv_kernel is 4; expected an odd size (the paper: 11)", with(tiny, 128, 4, 4, 0.1f));
    assertMessage("dropout is 1.0; expected a rate in [0, 1)", with(tiny, 128, 4, 5, 1f));
    IllegalArgumentException schedule =
        assertThrows(IllegalArgumentException.class, () -> AttentionSchedule.parse("sparse2"));
    assertEquals(
        "attention schedule is 'sparse2'; expected 'sparse' or 'dense'", schedule.getMessage());
  }

  @Test
  void readsAndWritesSnakeCaseWithALowercaseSchedule() throws Exception {
    TransformerConfig tiny = TransformerConfig.tiny();
    String json = JSON.writeValueAsString(tiny);
    assertTrue(json.contains("\"d_model\":128"), json);
    assertTrue(json.contains("\"attention\":\"sparse\""), json);
    assertEquals(tiny, JSON.readValue(json, TransformerConfig.class));
    TransformerConfig dense =
        JSON.readValue(json.replace("\"sparse\"", "\"DENSE\""), TransformerConfig.class);
    assertEquals(tiny.withAttention(AttentionSchedule.DENSE), dense);
  }

  private static TransformerConfig with(
      TransformerConfig c, int dModel, int heads, int kernel, float dropout) {
    return new TransformerConfig(
        c.layers(),
        dModel,
        heads,
        c.textLength(),
        c.textVocabSize(),
        c.gridSize(),
        c.imageVocabSize(),
        kernel,
        c.textLossWeight(),
        c.imageLossWeight(),
        dropout,
        c.attention());
  }

  private static void assertMessage(String expected, TransformerConfig config) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::validate);
    assertEquals(expected, e.getMessage());
  }
}

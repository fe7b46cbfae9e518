package org.dalle.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BpeModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BpeModel HUGS =
      new BpeTrainer(1000, 1).train(Map.of("hug", 10L, "Ġhugs", 5L, "Ġpun", 12L));

  @Test
  void tokenizerJsonRoundTrips() {
    assertEquals(HUGS, BpeModel.fromTokenizerJson(HUGS.toTokenizerJson()));
  }

  @Test
  void tokenizerJsonHasTheHuggingFaceLayout() throws Exception {
    JsonNode root = JSON.readTree(HUGS.toTokenizerJson());
    assertEquals("1.0", root.get("version").asText());
    assertTrue(root.get("normalizer").isNull());
    assertTrue(root.get("post_processor").isNull());
    assertEquals(0, root.get("added_tokens").size());
    for (String part : List.of("pre_tokenizer", "decoder")) {
      assertEquals("ByteLevel", root.get(part).get("type").asText());
      assertEquals(false, root.get(part).get("add_prefix_space").asBoolean());
      assertEquals(true, root.get(part).get("use_regex").asBoolean());
    }
    JsonNode model = root.get("model");
    assertEquals("BPE", model.get("type").asText());
    assertEquals(0, model.get("vocab").get("!").asInt());
    assertEquals(HUGS.vocabSize(), model.get("vocab").size());
    assertEquals("h u", model.get("merges").get(0).asText());
    assertEquals(HUGS.merges().size(), model.get("merges").size());
  }

  @Test
  void readsMergesWrittenAsPairs() throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(HUGS.toTokenizerJson());
    ArrayNode pairs = JSON.createArrayNode();
    for (BpeModel.Merge merge : HUGS.merges()) {
      pairs.addArray().add(merge.left()).add(merge.right());
    }
    ((ObjectNode) root.get("model")).set("merges", pairs);
    assertEquals(HUGS, BpeModel.fromTokenizerJson(JSON.writeValueAsString(root)));
  }

  @Test
  void rejectsSettingsTheJavaEncoderDoesNotReproduce() throws Exception {
    assertRejected(r -> r.putObject("normalizer").put("type", "NFKC"), "normalizer");
    assertRejected(r -> r.withObject("/pre_tokenizer").put("add_prefix_space", true), "prefix");
    assertRejected(r -> r.withObject("/pre_tokenizer").remove("add_prefix_space"), "prefix");
    assertRejected(r -> r.withObject("/pre_tokenizer").put("type", "Whitespace"), "ByteLevel");
    assertRejected(r -> r.withArray("added_tokens").addObject().put("id", 0), "added_tokens");
    assertRejected(r -> r.withObject("/model").put("type", "WordPiece"), "BPE");
    assertRejected(r -> r.withObject("/model").put("unk_token", "<unk>"), "unk_token");
    assertRejected(r -> r.withObject("/model").put("ignore_merges", true), "ignore_merges");
    assertRejected(r -> r.withObject("/model").withObject("/vocab").put("u", 2), "id 2");
    assertRejected(r -> r.withObject("/model").withArray("merges").add("x"), "merges[");
    assertRejected(r -> r.withObject("/model").withArray("merges").add("u x"), "\"ux\"");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BpeModel.fromTokenizerJson("{"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void constructorRejectsBrokenVocabularies() {
    List<String> missingByte = new ArrayList<>(ByteLevelAlphabet.symbols());
    missingByte.remove("Ġ");
    assertMessage(() -> new BpeModel(missingByte, List.of()), "byte 32");
    List<String> repeated = new ArrayList<>(ByteLevelAlphabet.symbols());
    repeated.add("a");
    assertMessage(() -> new BpeModel(repeated, List.of()), "two ids");
    List<String> spaced = new ArrayList<>(ByteLevelAlphabet.symbols());
    spaced.add("a b");
    assertMessage(() -> new BpeModel(spaced, List.of()), "U+0020");
    List<BpeModel.Merge> twice =
        List.of(new BpeModel.Merge("u", "g"), new BpeModel.Merge("u", "g"));
    List<String> withUg = new ArrayList<>(ByteLevelAlphabet.symbols());
    withUg.add("ug");
    assertMessage(() -> new BpeModel(withUg, twice), "repeated");
  }

  private interface Edit {
    void apply(ObjectNode root);
  }

  private static void assertRejected(Edit edit, String expected) throws Exception {
    ObjectNode root = (ObjectNode) JSON.readTree(HUGS.toTokenizerJson());
    edit.apply(root);
    String json = JSON.writeValueAsString(root);
    assertMessage(() -> BpeModel.fromTokenizerJson(json), expected);
  }

  private static void assertMessage(Runnable action, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}

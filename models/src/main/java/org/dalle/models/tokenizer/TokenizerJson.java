package org.dalle.models.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes HuggingFace tokenizers' {@code tokenizer.json} for a {@link BpeModel}.
 *
 * <p>Merges are written as {@code "left right"} strings: every tokenizers release reads that form
 * (0.20 and later also read {@code ["left", "right"]} pairs, and DJL 0.35.1 bundles 0.21.4), and it
 * is unambiguous here because byte-level tokens never contain a space (the space byte is {@code
 * Ġ}). Both forms are read.
 */
final class TokenizerJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TokenizerJson() {}

  static String write(BpeModel model) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    root.putArray("added_tokens");
    root.putNull("normalizer");
    putByteLevel(root.putObject("pre_tokenizer"));
    root.putNull("post_processor");
    putByteLevel(root.putObject("decoder"));
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    bpe.put("ignore_merges", false);
    ObjectNode vocab = bpe.putObject("vocab");
    List<String> tokens = model.tokens();
    for (int id = 0; id < tokens.size(); id++) {
      vocab.put(tokens.get(id), id);
    }
    ArrayNode merges = bpe.putArray("merges");
    for (BpeModel.Merge merge : model.merges()) {
      merges.add(merge.left() + " " + merge.right());
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not serialise a tokenizer.json tree", e);
    }
  }

  private static void putByteLevel(ObjectNode node) {
    node.put("type", "ByteLevel");
    node.put("add_prefix_space", false);
    node.put("trim_offsets", true);
    node.put("use_regex", true);
  }

  static BpeModel read(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tokenizer.json is not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("tokenizer.json must hold a JSON object at the top level");
    }
    requireAbsentOrNull(root, "normalizer", "the prepare pipeline normalises captions itself");
    requireAbsentOrNull(root, "post_processor", "no special tokens are added");
    JsonNode added = root.path("added_tokens");
    if (!added.isMissingNode() && !added.isNull() && !(added.isArray() && added.isEmpty())) {
      throw new IllegalArgumentException(
          "tokenizer.json has added_tokens " + added + "; expected none (no special tokens)");
    }
    requireByteLevel(root.path("pre_tokenizer"), "pre_tokenizer");
    JsonNode decoder = root.path("decoder");
    if (!decoder.isMissingNode() && !decoder.isNull()) {
      requireField(decoder, "decoder", "type", "ByteLevel");
    }
    JsonNode bpe = root.path("model");
    requireField(bpe, "model", "type", "BPE");
    requireAbsentOrNull(bpe, "dropout", "BpeTokenizer takes the dropout rate per encode call");
    requireAbsentOrNull(bpe, "unk_token", "all 256 byte symbols are in the vocabulary");
    for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
      JsonNode value = bpe.path(field);
      if (!value.isMissingNode() && !value.isNull() && !value.asText().isEmpty()) {
        throw new IllegalArgumentException(
            String.format("model.%s is %s; expected null for byte-level BPE", field, value));
      }
    }
    for (String field : List.of("byte_fallback", "ignore_merges")) {
      if (bpe.path(field).asBoolean(false)) {
        throw new IllegalArgumentException(
            String.format("model.%s is true; expected false (merges always apply)", field));
      }
    }
    return new BpeModel(readVocab(bpe.path("vocab")), readMerges(bpe.path("merges")));
  }

  private static List<String> readVocab(JsonNode vocab) {
    if (!vocab.isObject()) {
      throw new IllegalArgumentException("model.vocab must be an object of token -> id");
    }
    String[] tokens = new String[vocab.size()];
    Iterator<Map.Entry<String, JsonNode>> entries = vocab.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      JsonNode id = entry.getValue();
      if (!id.canConvertToInt() || id.asInt() < 0 || id.asInt() >= tokens.length) {
        throw new IllegalArgumentException(
            String.format(
                "model.vocab gives token \"%s\" id %s; expected an integer in 0..%d",
                entry.getKey(), id, tokens.length - 1));
      }
      if (tokens[id.asInt()] != null) {
        throw new IllegalArgumentException(
            String.format(
                "model.vocab gives id %d to both \"%s\" and \"%s\"; expected one token per id",
                id.asInt(), tokens[id.asInt()], entry.getKey()));
      }
      tokens[id.asInt()] = entry.getKey();
    }
    return Arrays.asList(tokens);
  }

  private static List<BpeModel.Merge> readMerges(JsonNode merges) {
    if (!merges.isArray()) {
      throw new IllegalArgumentException("model.merges must be an array");
    }
    List<BpeModel.Merge> result = new ArrayList<>(merges.size());
    for (int rank = 0; rank < merges.size(); rank++) {
      JsonNode merge = merges.get(rank);
      if (merge.isTextual() && merge.asText().split(" ", -1).length == 2) {
        String[] parts = merge.asText().split(" ", -1);
        result.add(new BpeModel.Merge(parts[0], parts[1]));
      } else if (merge.isArray()
          && merge.size() == 2
          && merge.get(0).isTextual()
          && merge.get(1).isTextual()) {
        result.add(new BpeModel.Merge(merge.get(0).asText(), merge.get(1).asText()));
      } else {
        throw new IllegalArgumentException(
            String.format(
                "model.merges[%d] is %s; expected \"left right\" or [\"left\", \"right\"]",
                rank, merge));
      }
    }
    return result;
  }

  private static void requireByteLevel(JsonNode node, String name) {
    requireField(node, name, "type", "ByteLevel");
    // HuggingFace's defaults are add_prefix_space=true and use_regex=true.
    if (node.path("add_prefix_space").asBoolean(true)) {
      throw new IllegalArgumentException(
          name + ".add_prefix_space must be false, as in ByteLevelPreTokenizer; got " + node);
    }
    if (!node.path("use_regex").asBoolean(true)) {
      throw new IllegalArgumentException(
          name + ".use_regex must be true, as in ByteLevelPreTokenizer; got " + node);
    }
  }

  private static void requireField(JsonNode node, String name, String field, String expected) {
    if (!node.isObject() || !expected.equals(node.path(field).asText(null))) {
      throw new IllegalArgumentException(
          String.format(
              "tokenizer.json %s is %s; expected %s \"%s\"", name, node, field, expected));
    }
  }

  private static void requireAbsentOrNull(JsonNode parent, String field, String why) {
    JsonNode value = parent.path(field);
    if (!value.isMissingNode() && !value.isNull()) {
      throw new IllegalArgumentException(
          String.format("tokenizer.json %s is %s; expected null because %s", field, value, why));
    }
  }
}

package org.dalle.jobs.transformer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.schemas.TokenizedExample;

/**
 * A small encode output and its tokenizer: captions about coloured shapes, each with a grid of
 * image tokens that depends on the caption, so a model can learn the pairing.
 */
final class TokenData {

  static final String[] COLOURS = {"red", "green", "blue", "yellow"};
  static final String[] SHAPES = {"circle", "square", "star"};

  private TokenData() {}

  static String caption(int i) {
    return "a " + COLOURS[i % COLOURS.length] + " " + SHAPES[(i / COLOURS.length) % SHAPES.length];
  }

  /** Learns a BPE of 280 tokens on the captions and writes it to {@code file}. */
  static BpeTokenizer writeTokenizer(Path file, int count) throws IOException {
    Map<String, Long> words = new HashMap<>();
    for (int i = 0; i < count; i++) {
      for (String word : ByteLevelPreTokenizer.split(caption(i))) {
        words.merge(word, 1L, Long::sum);
      }
    }
    BpeModel model = new BpeTrainer(280, 2).train(words);
    Files.writeString(file, model.toTokenizerJson(), StandardCharsets.UTF_8);
    return new BpeTokenizer(model);
  }

  /** Writes {@code count} records into {@code dataDir/tokens/part-0.avro}. */
  static void write(
      Path dataDir, int count, BpeTokenizer tokenizer, int textLength, int grid, int codes)
      throws IOException {
    Path tokens = Files.createDirectories(dataDir.resolve("tokens"));
    try (DataFileWriter<TokenizedExample> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(TokenizedExample.class))) {
      writer.create(TokenizedExample.getClassSchema(), tokens.resolve("part-0.avro").toFile());
      for (int i = 0; i < count; i++) {
        String caption = caption(i);
        int[] padded = TextTokens.pad(tokenizer.encode(caption), textLength, tokenizer.vocabSize());
        List<Integer> text = new ArrayList<>();
        for (int id : padded) {
          text.add(id);
        }
        int colour = i % COLOURS.length;
        int shape = (i / COLOURS.length) % SHAPES.length;
        List<Integer> image = new ArrayList<>();
        for (int p = 0; p < grid * grid; p++) {
          image.add((colour * 3 + shape * (p % 3) + p / grid) % codes);
        }
        writer.append(
            TokenizedExample.newBuilder()
                .setId(String.format("%016x", i))
                .setCaption(caption)
                .setTextTokens(text)
                .setImageTokens(image)
                .setGridSize(grid)
                .setAttributes(Map.of())
                .build());
      }
    }
  }
}

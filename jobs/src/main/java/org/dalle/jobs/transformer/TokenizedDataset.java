package org.dalle.jobs.transformer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.schemas.TokenizedExample;

/**
 * The encode stage's {@code TokenizedExample} records held in memory for the transformer: every
 * example's padded text tokens, image tokens (raster order) and caption, ordered by record id so
 * that the same data always gives the same indices, whatever the shards.
 *
 * <p>The quickstart's 12000 examples of 32 + 64 tokens take 4.6 MB. Loading checks every record
 * against the model's sizes, so a mismatch fails before training with a message naming the record.
 */
public final class TokenizedDataset {

  private final int textLength;
  private final int imageLength;
  private final int[] text;
  private final int[] image;
  private final String[] captions;

  private TokenizedDataset(int textLength, int imageLength, int[] text, int[] image, String[] c) {
    this.textLength = textLength;
    this.imageLength = imageLength;
    this.text = text;
    this.image = image;
    this.captions = c;
  }

  /**
   * Reads every record of {@code dataDir/tokens/*.avro}.
   *
   * @param model fixes the text length, grid size and vocabularies the records must fit
   * @throws IllegalArgumentException when there are no records or one does not fit the model
   */
  public static TokenizedDataset load(Path dataDir, TransformerConfig model) throws IOException {
    Path tokensDir = dataDir.resolve("tokens");
    if (!Files.isDirectory(tokensDir)) {
      throw new IllegalArgumentException(
          tokensDir + " does not exist; expected the output of `dalle encode` in " + dataDir);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(tokensDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".avro")).sorted().toList();
    }
    Map<String, TokenizedExample> byId = new TreeMap<>();
    for (Path file : files) {
      try (DataFileReader<TokenizedExample> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(TokenizedExample.class))) {
        while (reader.hasNext()) {
          TokenizedExample record = reader.next();
          check(record, file, model);
          byId.put(record.getId(), record);
        }
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException(
          "no records in " + tokensDir + "/*.avro; expected the output of `dalle encode`");
    }
    int count = byId.size();
    int textLength = model.textLength();
    int imageLength = model.imageLength();
    int[] text = new int[count * textLength];
    int[] image = new int[count * imageLength];
    String[] captions = new String[count];
    int i = 0;
    for (TokenizedExample record : byId.values()) {
      copy(record.getTextTokens(), text, i * textLength);
      copy(record.getImageTokens(), image, i * imageLength);
      captions[i] = record.getCaption();
      i++;
    }
    return new TokenizedDataset(textLength, imageLength, text, image, captions);
  }

  private static void check(TokenizedExample record, Path file, TransformerConfig model) {
    String where = "record " + record.getId() + " in " + file;
    if (record.getGridSize() != model.gridSize()
        || record.getImageTokens().size() != model.imageLength()) {
      throw new IllegalArgumentException(
          String.format(
              "%s has a %dx%d grid of %d image tokens; expected %dx%d (model.grid_size): encode"
                  + " with a dVAE of that grid or change model.grid_size",
              where,
              record.getGridSize(),
              record.getGridSize(),
              record.getImageTokens().size(),
              model.gridSize(),
              model.gridSize()));
    }
    if (record.getTextTokens().size() != model.textLength()) {
      throw new IllegalArgumentException(
          String.format(
              "%s has %d text tokens; expected %d (model.text_length): prepare with --text-length"
                  + " %d or change model.text_length",
              where, record.getTextTokens().size(), model.textLength(), model.textLength()));
    }
    for (int code : record.getImageTokens()) {
      if (code < 0 || code >= model.imageVocabSize()) {
        throw new IllegalArgumentException(
            String.format(
                "%s has image token %d; expected codes in [0, %d) (model.image_vocab_size, the"
                    + " dVAE's codebook)",
                where, code, model.imageVocabSize()));
      }
    }
    for (int id : record.getTextTokens()) {
      if (id < 0 || id >= model.textEmbeddingRows()) {
        throw new IllegalArgumentException(
            String.format(
                "%s has text token %d; expected ids in [0, %d) (text_vocab_size + text_length)",
                where, id, model.textEmbeddingRows()));
      }
    }
  }

  private static void copy(List<Integer> values, int[] target, int offset) {
    for (int i = 0; i < values.size(); i++) {
      target[offset + i] = values.get(i);
    }
  }

  public int count() {
    return captions.length;
  }

  /** The padded text tokens of example {@code index} as the records hold them. */
  public int[] text(int index) {
    int[] row = new int[textLength];
    System.arraycopy(text, index * textLength, row, 0, textLength);
    return row;
  }

  /** Copies example {@code index}'s image tokens into {@code target} at {@code offset}. */
  public void copyImage(int index, long[] target, int offset) {
    for (int i = 0; i < imageLength; i++) {
      target[offset + i] = image[index * imageLength + i];
    }
  }

  /** The normalised caption of example {@code index}. */
  public String caption(int index) {
    return captions[index];
  }
}

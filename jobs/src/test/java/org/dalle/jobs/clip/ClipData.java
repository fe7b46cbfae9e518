package org.dalle.jobs.clip;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.models.tokenizer.BpeModel;
import org.dalle.models.tokenizer.BpeTrainer;
import org.dalle.models.tokenizer.ByteLevelPreTokenizer;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.schemas.CaptionedImage;

/**
 * Writes a small prepare output for the contrastive job: coloured squares and discs on black with
 * their captions, as CaptionedImage Avro, and a BPE {@code tokenizer.json} learned on the captions.
 */
final class ClipData {

  private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};
  private static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow"};
  private static final String[] SHAPES = {"square", "disc"};

  private ClipData() {}

  static String caption(int i) {
    return "a " + COLOUR_NAMES[i % 4] + " " + SHAPES[(i / 4) % 2];
  }

  /** Writes {@code count} pairs of {@code size}² images and the tokenizer into {@code dataDir}. */
  static void write(Path dataDir, int count, int size) throws IOException {
    Path images = Files.createDirectories(dataDir.resolve("images"));
    Map<String, Long> words = new HashMap<>();
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), images.resolve("part-0.avro").toFile());
      for (int i = 0; i < count; i++) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(COLOURS[i % 4]);
        int side = size / 2 + i % 3;
        int x = (i * 3) % (size - side);
        int y = (i * 5) % (size - side);
        if ((i / 4) % 2 == 0) {
          g.fillRect(x, y, side, side);
        } else {
          g.fillOval(x, y, side, side);
        }
        g.dispose();
        for (String word : ByteLevelPreTokenizer.split(caption(i))) {
          words.merge(word, 1L, Long::sum);
        }
        writer.append(
            CaptionedImage.newBuilder()
                .setId(String.format("%016x", i * 7919L % 1000003))
                .setCaption(caption(i))
                .setImagePng(ByteBuffer.wrap(PngCodec.encode(image)))
                .setWidth(size)
                .setHeight(size)
                .setSource("test")
                .setSourceKey("shape-" + i)
                .setSha256("0".repeat(64))
                .setPhash(i)
                .setAttributes(Map.of())
                .build());
      }
    }
    BpeModel bpe = new BpeTrainer(280, 1).train(words);
    Files.writeString(
        dataDir.resolve(PreparedData.TOKENIZER), bpe.toTokenizerJson(), StandardCharsets.UTF_8);
    PrepareSummary.allWritten(count).writeTo(dataDir);
  }
}

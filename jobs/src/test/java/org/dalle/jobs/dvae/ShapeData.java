package org.dalle.jobs.dvae;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.schemas.CaptionedImage;

/** Writes a small prepare output: coloured squares and discs on black, as CaptionedImage Avro. */
final class ShapeData {

  private static final Color[] COLOURS = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW};

  private ShapeData() {}

  /**
   * Writes {@code count} images of {@code size}² into {@code dataDir/images/part-0.avro}, and its
   * summary.
   */
  static void write(Path dataDir, int count, int size) throws IOException {
    Path images = Files.createDirectories(dataDir.resolve("images"));
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), images.resolve("part-0.avro").toFile());
      for (int i = 0; i < count; i++) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(COLOURS[i % COLOURS.length]);
        int side = size / 2;
        int x = (i * 3) % (size - side);
        int y = (i * 5) % (size - side);
        if (i % 2 == 0) {
          g.fillRect(x, y, side, side);
        } else {
          g.fillOval(x, y, side, side);
        }
        g.dispose();
        writer.append(
            CaptionedImage.newBuilder()
                .setId(String.format("%016x", i))
                .setCaption("shape " + i)
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
    PrepareSummary.allWritten(count).writeTo(dataDir);
  }
}

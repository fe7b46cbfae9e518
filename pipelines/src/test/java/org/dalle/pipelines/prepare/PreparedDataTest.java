package org.dalle.pipelines.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.schemas.CaptionedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedDataTest {

  @TempDir Path dir;

  @Test
  void readsEveryShardInRecordIdOrderAndFindsTheTokenizer() throws IOException {
    writeShard("part-1.avro", "c", "a");
    writeShard("part-0.avro", "d", "b");
    Files.writeString(dir.resolve(PreparedData.TOKENIZER), "{\"model\": {}}");
    PrepareSummary.allWritten(4).writeTo(dir);

    PreparedData data = PreparedData.open(dir + "/");
    assertEquals(4, data.writtenImages());
    assertEquals(dir.toString(), data.location());
    assertEquals(dir + "/images/*.avro", data.imagesPattern());
    assertEquals(
        List.of("a", "b", "c", "d"), data.records().stream().map(CaptionedImage::getId).toList());
    assertEquals(dir + "/tokenizer.json", data.tokenizerPath());
    assertEquals("{\"model\": {}}", data.tokenizerJson());
  }

  @Test
  void refusesAFolderWithoutAValidSummaryNamingTheFolderAndWhatWasExpected() throws IOException {
    writeShard("part-0.avro", "a");
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> PreparedData.open(dir.toString()));
    assertTrue(missing.getMessage().contains(dir + " is not a complete prepare output"));
    assertTrue(
        missing.getMessage().contains("run dalle prepare --out " + dir), missing.getMessage());

    Files.writeString(dir.resolve(PreparedData.SUMMARY), "{\"read\": 1}");
    IllegalArgumentException invalid =
        assertThrows(IllegalArgumentException.class, () -> PreparedData.open(dir.toString()));
    assertTrue(invalid.getMessage().contains(dir.toString()), invalid.getMessage());
    assertTrue(invalid.getMessage().contains("'written' count"), invalid.getMessage());
  }

  @Test
  void refusesAFolderWithoutImagesOrTokenizer() throws IOException {
    PrepareSummary.allWritten(0).writeTo(dir);
    IllegalArgumentException noImages =
        assertThrows(IllegalArgumentException.class, () -> PreparedData.open(dir.toString()));
    assertTrue(noImages.getMessage().contains("no image files matching"), noImages.getMessage());

    writeShard("part-0.avro", "a");
    PreparedData data = PreparedData.open(dir.toString());
    IllegalArgumentException noTokenizer =
        assertThrows(IllegalArgumentException.class, data::tokenizerJson);
    assertTrue(
        noTokenizer.getMessage().contains(dir + "/tokenizer.json does not exist"),
        noTokenizer.getMessage());
  }

  private void writeShard(String name, String... ids) throws IOException {
    Path images = Files.createDirectories(dir.resolve(PreparedData.IMAGES));
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), images.resolve(name).toFile());
      for (String id : ids) {
        writer.append(
            CaptionedImage.newBuilder()
                .setId(id)
                .setCaption("caption " + id)
                .setImagePng(ByteBuffer.wrap(new byte[] {1}))
                .setWidth(1)
                .setHeight(1)
                .setSource("test")
                .setSourceKey(id)
                .setSha256("0".repeat(64))
                .setPhash(0)
                .setAttributes(Map.of())
                .build());
      }
    }
  }
}

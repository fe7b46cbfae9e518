package org.dalle.pipelines.captions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.schemas.CaptionedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one caption-file reader: JSONL lines and Avro records give the same entries. */
class CaptionFileTest {
  @TempDir Path dir;

  @Test
  void jsonlLinesKeepTheirFieldsAndNameTheirPlace() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("c.jsonl"),
            "{\"id\": \"a\", \"caption\": \"a red circle\", \"image\": \"x.png\","
                + " \"attributes\": {\"kind\": \"single\"}}\n\n{\"id\": 7, \"caption\": \"b\"}\n");
    List<CaptionFile.Entry> entries = CaptionFile.read(file);
    assertEquals(2, entries.size());
    CaptionFile.Entry first = entries.get(0);
    assertEquals(file + ":1", first.where());
    assertEquals("a", first.id());
    assertEquals("x.png", first.text("image"));
    assertEquals(Map.of("kind", "single"), first.strings("attributes"));
    assertEquals("7", entries.get(1).id());
    assertEquals(file + ":3", entries.get(1).where());
    IllegalArgumentException noImage =
        assertThrows(IllegalArgumentException.class, () -> entries.get(1).text("image"));
    assertEquals(file + ":3 has no string \"image\"; got none", noImage.getMessage());
  }

  @Test
  void avroRecordsGiveTheirStringAndMapFields() throws IOException {
    Path shards = Files.createDirectory(dir.resolve("images"));
    for (String shard : List.of("part-1", "part-0")) {
      try (DataFileWriter<CaptionedImage> writer =
          new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
        writer.create(CaptionedImage.getClassSchema(), shards.resolve(shard + ".avro").toFile());
        writer.append(image(shard + "-id", "caption of " + shard));
      }
    }
    List<CaptionFile.Entry> entries = CaptionFile.read(shards);
    assertEquals(List.of("part-0-id", "part-1-id"), entries.stream().map(e -> e.id()).toList());
    assertEquals(Map.of("split", "train"), entries.get(0).strings("attributes"));
    assertEquals("test", entries.get(0).text("source"));
    assertTrue(entries.get(0).where().endsWith("part-0.avro: record 0"), entries.get(0).where());
  }

  @Test
  void badLinesAndPathsSayWhatWasExpected() throws IOException {
    IllegalArgumentException notObject =
        assertThrows(IllegalArgumentException.class, () -> CaptionFile.parseJsonLine("[1]", "f:2"));
    assertTrue(notObject.getMessage().startsWith("f:2 is not a JSON object"));
    assertEquals(Optional.empty(), CaptionFile.parseJsonLine("  ", "f:3"));
    Path text = Files.writeString(dir.resolve("captions.txt"), "a caption\n");
    IllegalArgumentException notCaptionFile =
        assertThrows(IllegalArgumentException.class, () -> CaptionFile.read(text));
    assertTrue(notCaptionFile.getMessage().contains(".jsonl or .avro"));
    assertEquals(
        List.of("f:1 a caption"),
        CaptionFile.readLines(
            text, (line, where) -> Optional.of(where.replace(text + "", "f") + " " + line)));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> CaptionFile.read(dir.resolve("no.jsonl")));
    assertTrue(missing.getMessage().contains("does not exist"));
  }

  private static CaptionedImage image(String id, String caption) {
    return CaptionedImage.newBuilder()
        .setId(id)
        .setCaption(caption)
        .setImagePng(ByteBuffer.wrap(new byte[0]))
        .setWidth(1)
        .setHeight(1)
        .setSource("test")
        .setSourceKey(id)
        .setSha256("")
        .setPhash(0)
        .setAttributes(Map.of("split", "train"))
        .build();
  }
}

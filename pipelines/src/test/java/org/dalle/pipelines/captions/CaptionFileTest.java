package org.dalle.pipelines.captions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
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
  void avroRecordsGiveTheirStringAndMapFieldsAndNotTheirBytes() throws IOException {
    Schema schema =
        SchemaBuilder.record("Pair")
            .fields()
            .requiredString("id")
            .requiredString("caption")
            .name("attributes")
            .type()
            .map()
            .values()
            .stringType()
            .noDefault()
            .requiredBytes("pixels")
            .endRecord();
    Path shards = Files.createDirectory(dir.resolve("images"));
    for (String shard : List.of("part-1", "part-0")) {
      GenericRecord record = new GenericData.Record(schema);
      record.put("id", shard + "-id");
      record.put("caption", "caption of " + shard);
      record.put("attributes", Map.of("split", "train"));
      record.put("pixels", ByteBuffer.wrap(new byte[] {1}));
      try (DataFileWriter<GenericRecord> writer =
          new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
        writer.create(schema, shards.resolve(shard + ".avro").toFile());
        writer.append(record);
      }
    }
    List<CaptionFile.Entry> entries = CaptionFile.read(shards);
    assertEquals(List.of("part-0-id", "part-1-id"), entries.stream().map(e -> e.id()).toList());
    assertEquals("caption of part-0", entries.get(0).caption());
    assertEquals(Map.of("split", "train"), entries.get(0).strings("attributes"));
    assertFalse(entries.get(0).fields().has("pixels"));
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
}

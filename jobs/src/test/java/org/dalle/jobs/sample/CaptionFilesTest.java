package org.dalle.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.dalle.schemas.Rejected;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptionFilesTest {
  @TempDir Path dir;

  @Test
  void textLinesAreIdentifiedByTheirTextNotTheirLine() throws IOException {
    Path a =
        Files.writeString(dir.resolve("a.txt"), "# captions\nA red circle\n\n  blue square \n");
    Path b = Files.writeString(dir.resolve("b.txt"), "blue square\nA red circle\n");
    List<SampleCaption> first = CaptionFiles.read(a);
    assertEquals(
        List.of("A red circle", "blue square"),
        first.stream().map(SampleCaption::caption).toList());
    List<SampleCaption> second = CaptionFiles.read(b);
    assertEquals(first.get(0), second.get(1));
    assertEquals(first.get(1), second.get(0));
    assertEquals(16, first.get(0).id().length());
    assertTrue(first.get(0).id().matches("[0-9a-f]{16}"));
    // The first 16 hex digits of sha256("A red circle").
    assertEquals("cc3f4a0f6bc354fd", SampleCaption.idOf("A red circle"));
    assertNotEquals(SampleCaption.idOf("a red circle"), SampleCaption.idOf("A red circle"));
  }

  @Test
  void jsonlLinesGiveTheirIdsAndBadLinesNameTheirPlace() throws IOException {
    Path good =
        Files.writeString(
            dir.resolve("c.jsonl"),
            "{\"id\": \"x1\", \"caption\": \"a cat\", \"attributes\": {}}\n\n{\"id\": 7,"
                + " \"caption\": \"a dog\"}\n");
    assertEquals(
        List.of(new SampleCaption("x1", "a cat"), new SampleCaption("7", "a dog")),
        CaptionFiles.read(good));
    Path bad =
        Files.writeString(dir.resolve("d.jsonl"), "{\"id\": \"x1\", \"caption\": \"a\"}\n[1]\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CaptionFiles.read(bad));
    assertTrue(e.getMessage().contains("d.jsonl:2 is not a JSON object"), e.getMessage());
    IllegalArgumentException noCaption =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptionFiles.parseJsonLine("{\"id\": \"q\"}", "f:3"));
    assertTrue(noCaption.getMessage().contains("f:3 has no string \"caption\""));
    IllegalArgumentException blank =
        assertThrows(
            IllegalArgumentException.class,
            () -> CaptionFiles.parseJsonLine("{\"id\": \"q\", \"caption\": \" \"}", "f:4"));
    assertTrue(blank.getMessage().contains("caption q is blank"), blank.getMessage());
  }

  @Test
  void avroRecordsWithIdAndCaptionAreRead() throws IOException {
    Path shards = Files.createDirectory(dir.resolve("images"));
    for (String shard : List.of("part-1", "part-0")) {
      try (DataFileWriter<CaptionedImage> writer =
          new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
        writer.create(CaptionedImage.getClassSchema(), shards.resolve(shard + ".avro").toFile());
        writer.append(image(shard + "-id", "caption of " + shard));
      }
    }
    assertEquals(
        List.of(
            new SampleCaption("part-0-id", "caption of part-0"),
            new SampleCaption("part-1-id", "caption of part-1")),
        CaptionFiles.read(shards));

    Path rejected = dir.resolve("rejected.avro");
    try (DataFileWriter<Rejected> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(Rejected.class))) {
      writer.create(Rejected.getClassSchema(), rejected.toFile());
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CaptionFiles.read(rejected));
    assertTrue(e.getMessage().contains("without a string field 'id'"), e.getMessage());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> CaptionFiles.read(dir.resolve("none.txt")));
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
        .setAttributes(Map.of())
        .build();
  }
}

package org.dalle.pipelines.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/** Reads the Avro shards a job wrote, for tests that check its outputs. */
public final class AvroFiles {
  private AvroFiles() {}

  /**
   * Every record of every {@code *.avro} file directly in {@code directory}, shards in name order.
   */
  public static <T> List<T> read(Path directory, Class<T> type) throws IOException {
    List<T> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".avro")).sorted().toList()) {
        try (DataFileReader<T> reader =
            new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
          reader.forEach(records::add);
        }
      }
    }
    return records;
  }
}

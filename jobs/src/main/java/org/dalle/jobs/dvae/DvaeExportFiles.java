package org.dalle.jobs.dvae;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dalle.jobs.train.AtomicFiles;
import org.dalle.models.dvae.DvaeConfig;

/**
 * The trained dVAE as the encode stage loads it, in {@code OUT/export/}:
 *
 * <pre>
 *   dvae.params        Block.saveParameters(DataOutputStream) of the (EMA) weights
 *   dvae-config.json   the DvaeConfig as snake_case JSON, written last: its presence marks a
 *                      complete export
 * </pre>
 */
public final class DvaeExportFiles {

  public static final String DIR = "export";
  public static final String PARAMS = "dvae.params";
  public static final String CONFIG = "dvae-config.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private DvaeExportFiles() {}

  /** Writes both files atomically, the parameters first. */
  public static void write(Path dir, DvaeConfig config, Block model) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(
        dir.resolve(PARAMS),
        out -> {
          DataOutputStream data = new DataOutputStream(out);
          model.saveParameters(data);
          data.flush();
        });
    AtomicFiles.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(config) + "\n");
  }

  /** Whether {@code dir} holds a complete export. */
  public static boolean isComplete(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG)) && Files.isRegularFile(dir.resolve(PARAMS));
  }

  /** Reads {@code dvae-config.json}. */
  public static DvaeConfig readConfig(Path dir) throws IOException {
    return JSON.readValue(dir.resolve(CONFIG).toFile(), DvaeConfig.class).validate();
  }
}

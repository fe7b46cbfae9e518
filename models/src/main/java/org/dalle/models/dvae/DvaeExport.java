package org.dalle.models.dvae;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.models.export.ExportFolder;
import org.dalle.models.export.PortableExport;

/**
 * A trained dVAE as the encode pipeline and the sampler need it: a directory holding {@value
 * #CONFIG_FILE} (the {@link DvaeConfig} as snake_case JSON) and {@value #PARAMS_FILE} (the weights
 * in DJL's {@code Block.saveParameters} encoding), and for other tools the same weights and config
 * as {@link PortableExport} files ({@code model.safetensors}, {@code config.json}). Unlike a
 * training checkpoint it has no optimizer state: it is the frozen model.
 */
public final class DvaeExport {

  /** The model's shape, {@link DvaeConfig} as snake_case JSON. */
  public static final String CONFIG_FILE = "dvae-config.json";

  /** The model's weights, written by {@code Block.saveParameters}. */
  public static final String PARAMS_FILE = "dvae.params";

  /** The {@code model_type} of the {@link PortableExport} files. */
  public static final String MODEL_TYPE = "dvae";

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private DvaeExport() {}

  /**
   * Writes {@code model} (which must be initialised) into {@code dir}, creating it if needed,
   * through an {@link ExportFolder}: the weights first and the config last, so the config's
   * presence marks a complete export.
   */
  public static void write(DiscreteVae model, Path dir) throws IOException {
    if (!model.isInitialized()) {
      throw new IllegalArgumentException(
          "the dVAE has no parameters; initialise or train it before exporting");
    }
    ExportFolder folder =
        ExportFolder.begin(dir, CONFIG_FILE)
            .write(
                PARAMS_FILE,
                out -> {
                  DataOutputStream data = new DataOutputStream(out);
                  model.saveParameters(data);
                  data.flush();
                });
    PortableExport.write(folder, model, MODEL_TYPE, model.config());
    folder.finish(out -> JSON.writeValue(out, model.config()));
  }

  /**
   * Reads the model exported to {@code dir}, with its weights in {@code manager} (which must
   * outlive the model).
   *
   * @throws IOException naming the file when a file is missing, unreadable, or does not match the
   *     config
   */
  /** Whether {@code dir} holds a complete export (the config is written last). */
  public static boolean isComplete(Path dir) {
    return ExportFolder.isComplete(dir, CONFIG_FILE, PARAMS_FILE);
  }

  /** Reads the config of the export in {@code dir}. */
  public static DvaeConfig readConfig(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException("no dVAE export in " + dir + ": " + CONFIG_FILE + " is missing");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return readConfig(in, file.toString());
    }
  }

  public static DiscreteVae read(Path dir, NDManager manager) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(
          "dVAE export " + dir + " is not a directory; expected one holding " + describeLayout());
    }
    Path configFile = dir.resolve(CONFIG_FILE);
    Path paramsFile = dir.resolve(PARAMS_FILE);
    for (Path file : List.of(configFile, paramsFile)) {
      if (!Files.isRegularFile(file)) {
        throw new IOException(
            "dVAE export "
                + dir
                + " has no "
                + file.getFileName()
                + "; expected "
                + describeLayout());
      }
    }
    DvaeConfig config;
    try (InputStream in = Files.newInputStream(configFile)) {
      config = readConfig(in, configFile.toString());
    }
    try (InputStream in = Files.newInputStream(paramsFile)) {
      return readParameters(config, in, manager, paramsFile.toString());
    }
  }

  /**
   * Parses and validates a {@value #CONFIG_FILE}.
   *
   * @param origin where the bytes came from, for error messages
   */
  public static DvaeConfig readConfig(InputStream in, String origin) throws IOException {
    try {
      return JSON.readValue(in, DvaeConfig.class).validate();
    } catch (JacksonException e) {
      throw new IOException(
          origin + " is not a dVAE config: " + e.getOriginalMessage() + "; expected " + example(),
          e);
    } catch (IllegalArgumentException e) {
      throw new IOException(origin + " describes no buildable dVAE: " + e.getMessage(), e);
    }
  }

  /**
   * Builds the model of {@code config} and loads the weights of a {@value #PARAMS_FILE} into it.
   * Every loaded array must have the shape the config gives its parameter, and the stream must end
   * after the last one.
   *
   * @param origin where the bytes came from, for error messages
   */
  public static DiscreteVae readParameters(
      DvaeConfig config, InputStream in, NDManager manager, String origin) throws IOException {
    DiscreteVae model = new DiscreteVae(config);
    List<Shape> expected = new ArrayList<>();
    // Initialising fixes every parameter's shape; zeros are cheap, and the scratch manager frees
    // them once the loaded arrays have replaced them.
    try (NDManager scratch = manager.newSubManager()) {
      model.setInitializer(Initializer.ZEROS, parameter -> true);
      model.initializeParameters(scratch);
      for (Pair<String, Parameter> parameter : model.getParameters()) {
        expected.add(parameter.getValue().getArray().getShape());
      }
      DataInputStream data = new DataInputStream(new BufferedInputStream(in));
      try {
        model.loadParameters(manager, data);
      } catch (EOFException e) {
        throw new IOException(
            origin + " ends early: it is truncated or not a dVAE of " + config, e);
      } catch (MalformedModelException e) {
        throw new IOException(
            origin + " is not the weights of a dVAE of " + config + ": " + e.getMessage(), e);
      }
      if (data.read() != -1) {
        throw new IOException(
            origin + " has bytes after the last parameter; expected the weights of " + config);
      }
    }
    int index = 0;
    for (Pair<String, Parameter> parameter : model.getParameters()) {
      Shape loaded = parameter.getValue().getArray().getShape();
      if (!loaded.equals(expected.get(index))) {
        throw new IOException(
            String.format(
                "%s gives parameter %s the shape %s; the config %s expects %s",
                origin, parameter.getKey(), loaded, config, expected.get(index)));
      }
      index++;
    }
    return model;
  }

  private static String describeLayout() {
    return CONFIG_FILE + " and " + PARAMS_FILE + " as written by DvaeExport.write";
  }

  private static String example() {
    try {
      return "JSON such as " + JSON.writeValueAsString(DvaeConfig.tiny());
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write the tiny config as JSON", e);
    }
  }
}

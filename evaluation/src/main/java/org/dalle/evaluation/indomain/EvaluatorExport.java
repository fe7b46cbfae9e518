package org.dalle.evaluation.indomain;

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
 * A trained evaluator as a directory: {@value #CONFIG_FILE} (the network's {@link EvaluatorConfig},
 * its heads with their label names and the score heads, as snake_case JSON) and {@value
 * #PARAMS_FILE} (the weights in DJL's {@code Block.saveParameters} encoding), and for other tools
 * the weights and the description as {@link PortableExport} files ({@code model.safetensors},
 * {@code config.json}). {@link EvaluatorNetwork#load} reads it as a {@code FeatureNetwork}.
 */
public final class EvaluatorExport {

  /** The network's shape and labels, a {@link Description} as JSON; written last. */
  public static final String CONFIG_FILE = "evaluator-config.json";

  /** The weights, written by {@code Block.saveParameters}. */
  public static final String PARAMS_FILE = "evaluator.params";

  /** The {@code model_type} of the {@link PortableExport} files. */
  public static final String MODEL_TYPE = "evaluator";

  /**
   * What {@value #CONFIG_FILE} holds.
   *
   * @param model the network's shape
   * @param heads the classification heads in logit order, with their label names
   * @param scoreHeads the heads whose joint gives the Inception Score's classes
   */
  public record Description(EvaluatorConfig model, List<LabelHead> heads, List<String> scoreHeads) {
    /** The label scheme. */
    public SceneLabels labels() {
      return new SceneLabels(heads, scoreHeads);
    }
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private EvaluatorExport() {}

  /**
   * Writes the (initialised) model and its labels into {@code dir}, creating it if needed, through
   * an {@link ExportFolder}: weights first and the config last, so the config's presence marks a
   * complete export.
   */
  public static void write(SceneClassifier model, SceneLabels labels, Path dir) throws IOException {
    if (!model.isInitialized()) {
      throw new IllegalArgumentException(
          "the evaluator has no parameters; initialise or train it before exporting");
    }
    if (model.classes() != labels.classes()) {
      throw new IllegalArgumentException(
          "the model has " + model.classes() + " logits but the labels " + labels.classes());
    }
    Description description = new Description(model.config(), labels.heads(), labels.scoreHeads());
    ExportFolder folder =
        ExportFolder.begin(dir, CONFIG_FILE)
            .write(
                PARAMS_FILE,
                out -> {
                  DataOutputStream data = new DataOutputStream(out);
                  model.saveParameters(data);
                  data.flush();
                });
    PortableExport.write(folder, model, MODEL_TYPE, description);
    folder.finish(out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, description));
  }

  /** Whether {@code dir} holds a complete export. */
  public static boolean isComplete(Path dir) {
    return ExportFolder.isComplete(dir, CONFIG_FILE, PARAMS_FILE);
  }

  /**
   * Reads and validates {@value #CONFIG_FILE} of {@code dir}.
   *
   * @throws IOException naming the file when it is missing or describes no buildable evaluator
   */
  public static Description readDescription(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no evaluator export in "
              + dir
              + ": "
              + CONFIG_FILE
              + " is missing; expected the export/ directory of `dalle train-evaluator`");
    }
    Description description;
    try (InputStream in = Files.newInputStream(file)) {
      description = JSON.readValue(in, Description.class);
    } catch (JacksonException e) {
      throw new IOException(file + " is not an evaluator config: " + e.getOriginalMessage(), e);
    }
    try {
      if (description.model() == null) {
        throw new IllegalArgumentException("'model' is missing");
      }
      description.model().validate();
      description.labels();
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " describes no buildable evaluator: " + e.getMessage(), e);
    }
    return description;
  }

  /**
   * Builds the network of {@code description} and loads the weights of {@value #PARAMS_FILE} into
   * it, with its arrays in {@code manager} (which must outlive the model). Every loaded array must
   * have the shape the description gives its parameter, and the file must end after the last one.
   */
  public static SceneClassifier readModel(Path dir, Description description, NDManager manager)
      throws IOException {
    Path file = dir.resolve(PARAMS_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "evaluator export "
              + dir
              + " has no "
              + PARAMS_FILE
              + "; expected "
              + CONFIG_FILE
              + " and "
              + PARAMS_FILE
              + " as written by `dalle train-evaluator`");
    }
    SceneClassifier model =
        SceneClassifier.builder()
            .setConfig(description.model())
            .setClasses(description.labels().classes())
            .build();
    List<Shape> expected = new ArrayList<>();
    try (NDManager scratch = manager.newSubManager();
        InputStream in = Files.newInputStream(file)) {
      model.setInitializer(Initializer.ZEROS, parameter -> true);
      model.initializeParameters(scratch);
      for (Pair<String, Parameter> parameter : model.getParameters()) {
        expected.add(parameter.getValue().getArray().getShape());
      }
      DataInputStream data = new DataInputStream(new BufferedInputStream(in));
      try {
        model.loadParameters(manager, data);
      } catch (EOFException e) {
        throw new IOException(file + " ends early: it is truncated or not this evaluator", e);
      } catch (MalformedModelException e) {
        throw new IOException(file + " is not the weights of this evaluator: " + e.getMessage(), e);
      }
      if (data.read() != -1) {
        throw new IOException(file + " has bytes after the last parameter");
      }
    }
    int index = 0;
    for (Pair<String, Parameter> parameter : model.getParameters()) {
      Shape loaded = parameter.getValue().getArray().getShape();
      if (!loaded.equals(expected.get(index))) {
        throw new IOException(
            String.format(
                "%s gives parameter %s the shape %s; %s expects %s",
                file, parameter.getKey(), loaded, CONFIG_FILE, expected.get(index)));
      }
      index++;
    }
    return model;
  }
}

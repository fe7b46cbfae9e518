package org.dalle.models.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The part of every model export that other tools read: {@value #WEIGHTS_FILE} (every parameter
 * under its {@link ParameterNames dotted name}, float32 as trained) and {@value #CONFIG_FILE}
 * ({@code model_type} and the model's config as snake_case JSON, the same values as the export's
 * own config file). {@code scripts/load_dalle.py} loads a dVAE or a prior from these two files into
 * plain PyTorch modules.
 */
public final class PortableExport {

  public static final String WEIGHTS_FILE = "model.safetensors";
  public static final String CONFIG_FILE = "config.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private PortableExport() {}

  /**
   * Writes {@value #WEIGHTS_FILE} and then {@value #CONFIG_FILE} of {@code model} (initialised)
   * into {@code folder}, each through a temporary file and a rename.
   *
   * @param modelType what the model is, e.g. {@code dvae}; also in the weights' metadata
   * @param config the model's config, written under {@code config}
   */
  public static void write(ExportFolder folder, Block model, String modelType, Object config)
      throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> parameter : ParameterNames.of(model).entrySet()) {
      tensors.put(parameter.getKey(), parameter.getValue().getArray());
    }
    Map<String, String> metadata = Map.of("format", "pt", "model_type", modelType);
    folder.write(WEIGHTS_FILE, out -> Safetensors.write(tensors, metadata, out));
    ObjectNode description = JSON.createObjectNode();
    description.put("model_type", modelType);
    description.set("config", JSON.valueToTree(config));
    folder.write(
        CONFIG_FILE, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, description));
  }
}

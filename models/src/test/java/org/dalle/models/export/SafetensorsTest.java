package org.dalle.models.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors files of the exports, checked against the format and DJL's own reader. */
class SafetensorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static NDManager manager;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void headerGivesEveryTensorItsTypeShapeAndAlignedOffsets() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      tensors.put(
          "weight", m.create(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.5f}, new Shape(2, 3)));
      tensors.put("ids", m.create(new long[] {1, 1L << 40}));
      tensors.put("scalar", m.create(new float[] {42f}, new Shape()));

      byte[] file = write(tensors, Map.of("model_type", "test"));

      ByteBuffer buffer = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      long headerLength = buffer.getLong();
      assertEquals(0, headerLength % 8, "the data section starts 8-byte aligned");
      JsonNode header =
          JSON.readTree(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
      assertEquals("test", header.get("__metadata__").get("model_type").asText());
      assertEquals("F32", header.get("weight").get("dtype").asText());
      assertEquals("[2,3]", header.get("weight").get("shape").toString());
      assertEquals("[0,24]", header.get("weight").get("data_offsets").toString());
      assertEquals("I64", header.get("ids").get("dtype").asText());
      assertEquals("[24,40]", header.get("ids").get("data_offsets").toString());
      assertEquals("[]", header.get("scalar").get("shape").toString());
      assertEquals(8 + headerLength + 44, file.length);
      buffer.position((int) (8 + headerLength));
      assertEquals(1.5f, buffer.getFloat(), "little-endian float32");
      buffer.position((int) (8 + headerLength + 32));
      assertEquals(1L << 40, buffer.getLong(), "little-endian int64");
    }
  }

  @Test
  void djlReadsBackTheSameArraysByName() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      tensors.put("a.weight", m.randomNormal(new Shape(3, 4, 5)));
      tensors.put("b.bias", m.randomNormal(new Shape(7)));

      NDList read = NDList.decode(m, new ByteArrayInputStream(write(tensors, Map.of("k", "v"))));

      assertEquals(2, read.size());
      for (NDArray array : read) {
        NDArray original = tensors.get(array.getName());
        assertEquals(original.getShape(), array.getShape(), array.getName());
        assertArrayEquals(original.toFloatArray(), array.toFloatArray(), array.getName());
      }
    }
  }

  @Test
  void unnamedTypesAndTheReservedNameAreRefused() {
    try (NDManager m = manager.newSubManager()) {
      Map<String, NDArray> reserved = Map.of("__metadata__", m.zeros(new Shape(1)));
      assertThrows(IllegalArgumentException.class, () -> write(reserved, Map.of()));
      assertThrows(
          IllegalArgumentException.class, () -> Safetensors.dtype(DataType.STRING, "text"));
    }
  }

  /**
   * The dVAE's names follow its blocks; a ReLU-then-conv stack numbers its convolutions 1, 3, 5, 7.
   */
  @Test
  void dvaeExportNamesEveryParameterByItsPath() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae model = new DiscreteVae(DvaeConfig.tiny());
      model.initializeParameters(m);
      Path dir = temp.resolve("dvae");
      DvaeExport.write(model, dir);

      List<String> names = tensorNames(dir.resolve(PortableExport.WEIGHTS_FILE));
      assertEquals(model.getParameters().size(), names.size());
      assertEquals("encoder.input.weight", names.get(0));
      assertEquals(
          List.of(
              "encoder.group_1_block_1.res_path.1.weight",
              "encoder.group_1_block_1.res_path.1.bias",
              "encoder.group_1_block_1.res_path.3.weight"),
          names.subList(2, 5));
      assertEquals("decoder.output.bias", names.get(names.size() - 1));
      JsonNode config = JSON.readTree(dir.resolve(PortableExport.CONFIG_FILE).toFile());
      assertEquals("dvae", config.get("model_type").asText());
      assertEquals(512, config.get("config").get("vocab_size").asInt());
    }
  }

  /** The prior's: its final norm and heads (its own parameters first), embedding and blocks. */
  @Test
  void priorExportNamesEveryParameterByItsPath() throws IOException {
    try (NDManager m = manager.newSubManager()) {
      TransformerPrior model = new TransformerPrior(TransformerConfig.tiny());
      model.initializeParameters(m);
      Path dir = temp.resolve("prior");
      PriorExport.write(model, "{}", dir);

      List<String> names = tensorNames(dir.resolve(PortableExport.WEIGHTS_FILE));
      assertEquals(model.getParameters().size(), names.size());
      assertTrue(names.contains("embedding.text_token"), names.toString());
      assertTrue(names.contains("block001.norm1_gain"), names.toString());
      assertTrue(names.contains("block004.attention.qkv_weight"), names.toString());
      assertEquals(
          List.of("final_gain", "final_shift", "text_head", "image_head"), names.subList(0, 4));
      assertEquals(8 + headerLength(dir) + 4 * model.parameterCount(), weightsSize(dir));
      JsonNode config = JSON.readTree(dir.resolve(PortableExport.CONFIG_FILE).toFile());
      assertEquals("transformer_prior", config.get("model_type").asText());
      assertEquals("sparse", config.get("config").get("attention").asText());
    }
  }

  private static long headerLength(Path dir) throws IOException {
    try (InputStream in = Files.newInputStream(dir.resolve(PortableExport.WEIGHTS_FILE))) {
      return ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
  }

  private static long weightsSize(Path dir) throws IOException {
    return Files.size(dir.resolve(PortableExport.WEIGHTS_FILE));
  }

  private static List<String> tensorNames(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header =
        JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    List<String> names = new ArrayList<>();
    header.fieldNames().forEachRemaining(names::add);
    names.remove("__metadata__");
    return names;
  }

  private static byte[] write(Map<String, NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Safetensors.write(tensors, metadata, out);
    return out.toByteArray();
  }
}

package org.dalle.models.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;
import org.dalle.models.transformer.PriorExport;
import org.dalle.models.transformer.PriorLogits;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.models.transformer.TransformerPrior;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exports others can read: a tiny dVAE and a tiny prior, exported by the Java code, are loaded
 * by {@code scripts/load_dalle.py} into plain PyTorch modules, which must give the Java forward
 * pass's numbers on the same fixed input.
 */
class PytorchLoaderTest {

  /** float32 through different kernels (oneDNN here, PyTorch's own there), a few layers deep. */
  private static final float TOLERANCE = 1e-4f;

  private static NDManager manager;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    manager = Engine.getEngine("PyTorch").newBaseManager();
    Engine.getEngine("PyTorch").setRandomSeed(19);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void theDvaeLoadedInPytorchEncodesAndDecodesAsTheJavaOne() throws Exception {
    String python = PythonTorch.interpreter();
    try (NDManager m = manager.newSubManager()) {
      DvaeConfig config = DvaeConfig.tiny();
      DiscreteVae model = new DiscreteVae(config);
      model.initializeParameters(m);
      perturb(model, m);
      Path export = temp.resolve("dvae");
      DvaeExport.write(model, export);

      NDArray images = fixedImages(m, 2, config); // (2, 3, 32, 32)
      NDArray logits =
          model.encoder().forward(new ParameterStore(m, false), new NDList(images), false).head();
      NDArray tokens = model.encode(images).toType(DataType.INT64, false); // (2, 8, 8)
      NDArray reconstruction = model.decode(tokens);

      Map<String, NDArray> outputs =
          runLoader(python, export, Map.of("images", images, "tokens", tokens), m);

      assertClose(logits, outputs.get("logits"), "encoder logits");
      assertArrayEquals(
          tokens.toLongArray(), outputs.get("tokens").toLongArray(), "argmax image tokens");
      assertClose(reconstruction, outputs.get("reconstruction"), "reconstruction of the tokens");
    }
  }

  @Test
  void thePriorLoadedInPytorchGivesTheJavaLogits() throws Exception {
    String python = PythonTorch.interpreter();
    try (NDManager m = manager.newSubManager()) {
      // Every kind of layer: row, column, row, and the convolutional last layer.
      TransformerConfig config = TransformerConfig.tiny();
      TransformerPrior model = new TransformerPrior(config);
      model.initializeParameters(m);
      perturb(model, m);
      Path export = temp.resolve("prior");
      PriorExport.write(model, tokenizer(config.textVocabSize()), export);

      long[] text = new long[2 * config.textLength()];
      long[] image = new long[2 * config.imageLength()];
      for (int i = 0; i < text.length; i++) {
        int position = i % config.textLength();
        // A caption of 20 BPE ids, then each position's own padding id.
        text[i] =
            position < 20 ? (i * 37L) % config.textVocabSize() : config.textVocabSize() + position;
      }
      for (int i = 0; i < image.length; i++) {
        image[i] = (i * 53L + 7) % config.imageVocabSize();
      }
      NDArray textArray = m.create(text, new Shape(2, config.textLength()));
      NDArray imageArray = m.create(image, new Shape(2, config.imageLength()));
      PriorLogits logits = model.forward(textArray, imageArray, false);

      Map<String, NDArray> outputs =
          runLoader(python, export, Map.of("text", textArray, "image", imageArray), m);

      assertClose(logits.text(), outputs.get("text_logits"), "text logits");
      assertClose(logits.image(), outputs.get("image_logits"), "image logits");
    }
  }

  /** Writes {@code inputs}, runs the script on the export and reads what it wrote. */
  private Map<String, NDArray> runLoader(
      String python, Path export, Map<String, NDArray> inputs, NDManager m)
      throws IOException, InterruptedException {
    Path in = temp.resolve("inputs.safetensors");
    Path out = temp.resolve("outputs.safetensors");
    try (OutputStream stream = Files.newOutputStream(in)) {
      Safetensors.write(new LinkedHashMap<>(inputs), Map.of(), stream);
    }
    String printed =
        PythonTorch.runLoader(
            python,
            List.of(export.toString(), "--inputs", in.toString(), "--outputs", out.toString()));
    assertTrue(printed.contains("wrote"), printed);
    Map<String, NDArray> outputs = new HashMap<>();
    try (InputStream stream = Files.newInputStream(out)) {
      for (NDArray array : NDList.decode(m, stream)) {
        outputs.put(array.getName(), array);
      }
    }
    return outputs;
  }

  /**
   * Adds noise to every parameter, so biases, gains and shifts are not the zeros and ones of
   * initialisation: a gain loaded as a shift, or a bias left out, changes the numbers.
   */
  private static void perturb(Block model, NDManager m) {
    for (Parameter parameter : model.getParameters().values()) {
      NDArray array = parameter.getArray();
      array.addi(m.randomNormal(0f, 0.05f, array.getShape(), DataType.FLOAT32));
    }
  }

  /** Smooth gradients and stripes, the same every run. */
  private static NDArray fixedImages(NDManager m, int batch, DvaeConfig config) {
    int size = config.imageSize();
    float[] pixels = new float[batch * config.channels() * size * size];
    int i = 0;
    for (int b = 0; b < batch; b++) {
      for (int c = 0; c < config.channels(); c++) {
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            pixels[i++] = ((x * (c + 1) + y * (b + 2) + 5 * c) % size) / (size - 1f);
          }
        }
      }
    }
    return m.create(pixels, new Shape(batch, config.channels(), size, size));
  }

  /** A byte-level BPE tokenizer.json with no merges and {@code vocabSize} tokens. */
  private static String tokenizer(int vocabSize) {
    StringBuilder vocab = new StringBuilder();
    for (int id = 0; id < vocabSize; id++) {
      vocab.append(id == 0 ? "" : ",").append("\"t").append(id).append("\":").append(id);
    }
    return "{\"model\":{\"type\":\"BPE\",\"vocab\":{" + vocab + "},\"merges\":[]}}";
  }

  private static void assertClose(NDArray expected, NDArray actual, String what) {
    assertEquals(expected.getShape(), actual.getShape(), what + " shape");
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    float worst = 0;
    int at = 0;
    for (int i = 0; i < e.length; i++) {
      float difference = Math.abs(e[i] - a[i]) / Math.max(1f, Math.abs(e[i]));
      if (!(difference <= worst)) {
        worst = difference;
        at = i;
      }
    }
    assertTrue(
        worst <= TOLERANCE,
        String.format(
            "%s differ by %.3g (relative) at index %d: Java %s, PyTorch %s",
            what, worst, at, e[at], a[at]));
  }
}

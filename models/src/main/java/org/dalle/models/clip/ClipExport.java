package org.dalle.models.clip;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dalle.models.export.ExportFolder;
import org.dalle.models.export.PortableExport;
import org.dalle.models.optim.ParameterArrays;
import org.dalle.models.tokenizer.BpeTokenizer;

/**
 * A trained contrastive model as the reranking sampler needs it: a directory holding {@value
 * #PARAMS_FILE} (every parameter by name, in {@link ParameterArrays}'s format), {@value
 * #TOKENIZER_FILE} (the BPE the captions were tokenised with) and {@value #CONFIG_FILE} (the {@link
 * ClipConfig} as snake_case JSON), and for other tools the weights and config as {@link
 * PortableExport} files ({@code model.safetensors}, {@code config.json}). The config is written
 * last: its presence marks a complete export. Unlike a training checkpoint it has no optimizer
 * state.
 */
public final class ClipExport {

  public static final String CONFIG_FILE = "clip-config.json";
  public static final String PARAMS_FILE = "clip.params";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** The {@code model_type} of the {@link PortableExport} files. */
  public static final String MODEL_TYPE = "contrastive";

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private ClipExport() {}

  /**
   * Writes {@code model} (initialised) and the tokenizer text into {@code dir} through an {@link
   * ExportFolder}, the config last.
   */
  public static void write(ClipModel model, String tokenizerJson, Path dir) throws IOException {
    model.requireInitialized();
    ExportFolder folder =
        ExportFolder.begin(dir, CONFIG_FILE)
            .write(
                PARAMS_FILE,
                out -> {
                  try (NDManager scope = NDManager.newBaseManager()) {
                    ParameterArrays.export(model.getParameters(), scope).encode(out);
                  }
                });
    PortableExport.write(folder, model, MODEL_TYPE, model.config());
    folder
        .writeText(TOKENIZER_FILE, tokenizerJson)
        .finish(out -> JSON.writeValue(out, model.config()));
  }

  /** Whether {@code dir} holds a complete export. */
  public static boolean isComplete(Path dir) {
    return ExportFolder.isComplete(dir, CONFIG_FILE, PARAMS_FILE, TOKENIZER_FILE);
  }

  /** Reads the config of the export in {@code dir}. */
  public static ClipConfig readConfig(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no contrastive model export in "
              + dir
              + ": "
              + CONFIG_FILE
              + " is missing; expected "
              + layout());
    }
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, ClipConfig.class).validate();
    } catch (JacksonException e) {
      throw new IOException(
          file + " is not a contrastive model config: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(
          file + " describes no buildable contrastive model: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the export in {@code dir} as a scorer; its weights live in a sub-manager of {@code
   * manager} that the scorer's {@code close()} frees.
   *
   * @throws IOException naming the file when one is missing or does not match the config
   */
  public static ClipScorer read(Path dir, NDManager manager) throws IOException {
    if (!isComplete(dir)) {
      throw new IOException(
          "contrastive model export " + dir + " is incomplete; expected " + layout());
    }
    ClipConfig config = readConfig(dir);
    BpeTokenizer tokenizer = BpeTokenizer.load(dir.resolve(TOKENIZER_FILE));
    if (tokenizer.vocabSize() != config.textVocabSize()) {
      throw new IOException(
          String.format(
              "%s has %d tokens but the model's text_vocab_size is %d; the export is"
                  + " inconsistent",
              dir.resolve(TOKENIZER_FILE), tokenizer.vocabSize(), config.textVocabSize()));
    }
    NDManager weights = manager.newSubManager();
    try {
      ClipModel model = new ClipModel(config);
      model.initializeParameters(weights);
      Path params = dir.resolve(PARAMS_FILE);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(params));
          NDManager scope = weights.newSubManager()) {
        ParameterArrays.restore(model.getParameters(), NDList.decode(scope, in));
      } catch (IllegalArgumentException e) {
        throw new IOException(params + " does not hold the weights of " + config + ": " + e, e);
      }
      return new ClipScorer(model, tokenizer, weights, dir.toString());
    } catch (IOException | RuntimeException e) {
      weights.close();
      throw e;
    }
  }

  private static String layout() {
    return CONFIG_FILE + ", " + PARAMS_FILE + " and " + TOKENIZER_FILE + " as ClipExport writes";
  }
}

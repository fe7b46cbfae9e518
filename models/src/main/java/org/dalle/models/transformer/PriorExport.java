package org.dalle.models.transformer;

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
import org.dalle.models.tokenizer.BpeTokenizer;

/**
 * A trained prior as the sampler needs it: a directory holding {@value #PARAMS_FILE} (the weights,
 * {@link PriorWeights}), {@value #TOKENIZER_FILE} (the BPE the captions were tokenised with, so a
 * sampler encodes new captions the same way) and {@value #CONFIG_FILE} (the {@link
 * TransformerConfig} as snake_case JSON), and for other tools the weights and config as {@link
 * PortableExport} files ({@code model.safetensors}, {@code config.json}). The config is written
 * last: its presence marks a complete export. Unlike a training checkpoint it has no optimizer
 * state.
 */
public final class PriorExport {

  public static final String CONFIG_FILE = "transformer-config.json";
  public static final String PARAMS_FILE = "transformer.params";
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** The {@code model_type} of the {@link PortableExport} files. */
  public static final String MODEL_TYPE = "transformer_prior";

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /**
   * What an export holds.
   *
   * @param model the prior, its weights in the manager given to {@link #read}
   * @param tokenizer the captions' BPE
   */
  public record Loaded(TransformerPrior model, BpeTokenizer tokenizer) {}

  private PriorExport() {}

  /**
   * Writes {@code model} (initialised) and the tokenizer text into {@code dir} through an {@link
   * ExportFolder}, the config last.
   */
  public static void write(TransformerPrior model, String tokenizerJson, Path dir)
      throws IOException {
    model.requireInitialized();
    ExportFolder folder =
        ExportFolder.begin(dir, CONFIG_FILE)
            .write(PARAMS_FILE, out -> PriorWeights.write(model, out));
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
  public static TransformerConfig readConfig(Path dir) throws IOException {
    Path file = dir.resolve(CONFIG_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "no transformer export in "
              + dir
              + ": "
              + CONFIG_FILE
              + " is missing; expected "
              + layout());
    }
    try (InputStream in = Files.newInputStream(file)) {
      return JSON.readValue(in, TransformerConfig.class).validate();
    } catch (JacksonException e) {
      throw new IOException(file + " is not a transformer config: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " describes no buildable transformer: " + e.getMessage(), e);
    }
  }

  /**
   * Reads the export in {@code dir}; the weights live in {@code manager}, which must outlive the
   * model.
   *
   * @throws IOException naming the file when one is missing or does not match the config
   */
  public static Loaded read(Path dir, NDManager manager) throws IOException {
    if (!isComplete(dir)) {
      throw new IOException("transformer export " + dir + " is incomplete; expected " + layout());
    }
    TransformerConfig config = readConfig(dir);
    TransformerPrior model = new TransformerPrior(config);
    model.initializeParameters(manager);
    Path params = dir.resolve(PARAMS_FILE);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(params))) {
      PriorWeights.read(model, in);
    } catch (IllegalArgumentException e) {
      throw new IOException(params + " does not hold the weights of " + config + ": " + e, e);
    }
    BpeTokenizer tokenizer = BpeTokenizer.load(dir.resolve(TOKENIZER_FILE));
    if (tokenizer.vocabSize() != config.textVocabSize()) {
      throw new IOException(
          String.format(
              "%s has %d tokens but the transformer's text_vocab_size is %d; the export is"
                  + " inconsistent",
              dir.resolve(TOKENIZER_FILE), tokenizer.vocabSize(), config.textVocabSize()));
    }
    return new Loaded(model, tokenizer);
  }

  private static String layout() {
    return CONFIG_FILE + ", " + PARAMS_FILE + " and " + TOKENIZER_FILE + " as PriorExport writes";
  }
}

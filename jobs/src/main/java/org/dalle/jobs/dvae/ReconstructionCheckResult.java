package org.dalle.jobs.dvae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dalle.jobs.train.AtomicFiles;

/**
 * The figures of a {@link ReconstructionCheck}: does the dVAE keep every object's colour and shape
 * (section 2.1 of the paper: the codebook must keep what the transformer is to compose)? An image
 * counts as right when the compositional checker finds exactly the scene's objects in it, matched
 * one-to-one by colour and shape; the check passes when the share of right reconstructions is at
 * least {@link #TARGET_RATIO} of the share of right originals (the checker's own pass rate).
 *
 * @param images how many held-out-split images were checked
 * @param originalsRight share of the originals in which every object has its colour and shape
 * @param reconstructionsRight the same share for the reconstructions
 * @param colourRight share of reconstructions in which every object has its colour
 * @param shapeRight share of reconstructions in which every object has its shape
 * @param codesUsed distinct codes over the grids of every checked image
 * @param vocabSize the codebook size
 * @param perplexity exp of the entropy (nats) of the code histogram over every checked image
 * @param mse mean squared error of the reconstructions in [0, 1] pixel units
 */
public record ReconstructionCheckResult(
    int images,
    double originalsRight,
    double reconstructionsRight,
    double colourRight,
    double shapeRight,
    int codesUsed,
    int vocabSize,
    double perplexity,
    double mse) {

  /** The share of the originals' pass rate that reconstructions must reach (issue 15). */
  public static final double TARGET_RATIO = 0.95;

  /** The file in the dVAE's run directory. */
  public static final String FILE = "reconstruction_check.json";

  /** The figure beside it: originals above reconstructions framed green (right) or red. */
  public static final String FIGURE = "reconstruction_check.png";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code reconstructionsRight / originalsRight}; NaN when no original was right. */
  public double ratio() {
    return originalsRight > 0 ? reconstructionsRight / originalsRight : Double.NaN;
  }

  /** Whether the reconstructions reach {@link #TARGET_RATIO} of the originals' pass rate. */
  public boolean meetsTarget() {
    return ratio() >= TARGET_RATIO;
  }

  /**
   * One line for a job's output, e.g. {@code reconstruction check (256 held-out-split images, EMA
   * weights): every object right in 97.3% of reconstructions vs 100.0% of originals → ratio 0.973
   * (target ≥ 0.95: met); colour right 99.2%, shape right 97.7%; codes used 180/512, perplexity
   * 85.1; MSE 0.0061}.
   */
  public String line() {
    return String.format(
        Locale.ROOT,
        "reconstruction check (%d held-out-split images, EMA weights): every object right in"
            + " %.1f%% of reconstructions vs %.1f%% of originals → ratio %.3f (target ≥ %.2f: %s);"
            + " colour right %.1f%%, shape right %.1f%%; codes used %d/%d, perplexity %.1f;"
            + " MSE %.4f",
        images,
        100 * reconstructionsRight,
        100 * originalsRight,
        ratio(),
        TARGET_RATIO,
        meetsTarget() ? "met" : "NOT met",
        100 * colourRight,
        100 * shapeRight,
        codesUsed,
        vocabSize,
        perplexity,
        mse);
  }

  /**
   * The figures for {@code metrics.jsonl}: those of {@link #FILE}, keys prefixed {@code check_}.
   */
  public Map<String, Number> metrics() {
    Map<String, Number> values = new LinkedHashMap<>();
    figures().forEach((key, value) -> values.put("check_" + key, value));
    return values;
  }

  /** The measured figures, by their {@link #FILE} keys. */
  private Map<String, Number> figures() {
    Map<String, Number> values = new LinkedHashMap<>();
    values.put("images", images);
    values.put("originals_right", originalsRight);
    values.put("reconstructions_right", reconstructionsRight);
    values.put("ratio", ratio());
    values.put("colour_right", colourRight);
    values.put("shape_right", shapeRight);
    values.put("codebook_usage", codesUsed);
    values.put("perplexity", perplexity);
    values.put("mse", mse);
    return values;
  }

  /**
   * Writes {@link #FILE}'s content to {@code file}, atomically.
   *
   * @param step the updates the checked weights had
   * @param scenes where the images came from
   */
  public void write(Path file, long step, HeldOutScenes scenes) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("step", step);
    json.put("weights", "ema");
    json.putAll(figures());
    json.put("target_ratio", TARGET_RATIO);
    json.put("meets_target", meetsTarget());
    json.put("vocab_size", vocabSize);
    json.put("scenes", scenes.toJsonMap());
    json.put(
        "note",
        "right: the compositional checker finds exactly the scene's objects, matched one-to-one by"
            + " colour and shape (colour_right, shape_right: by that attribute alone)");
    AtomicFiles.write(file, out -> JSON.writerWithDefaultPrettyPrinter().writeValue(out, json));
  }

  /**
   * The figures of a {@link #FILE} as {@link #write} wrote them.
   *
   * @throws IllegalArgumentException naming the file and the first missing figure
   */
  public static ReconstructionCheckResult read(Path file) throws IOException {
    return fromJson(JSON.readTree(file.toFile()), file.toString());
  }

  /** The figures of a parsed {@link #FILE}; {@code origin} names it in errors. */
  public static ReconstructionCheckResult fromJson(JsonNode json, String origin) {
    return new ReconstructionCheckResult(
        (int) number(json, "images", origin),
        number(json, "originals_right", origin),
        number(json, "reconstructions_right", origin),
        number(json, "colour_right", origin),
        number(json, "shape_right", origin),
        (int) number(json, "codebook_usage", origin),
        (int) number(json, "vocab_size", origin),
        number(json, "perplexity", origin),
        number(json, "mse", origin));
  }

  private static double number(JsonNode json, String key, String origin) {
    JsonNode value = json.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          origin + " has no '" + key + "'; expected a " + FILE + " written by train-dvae");
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    // Jackson writes NaN (a ratio with no right original) as a string.
    if (value.isTextual()) {
      try {
        return Double.parseDouble(value.asText());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            origin + ": '" + key + "' is '" + value.asText() + "'; expected a number", e);
      }
    }
    throw new IllegalArgumentException(
        origin + ": '" + key + "' is " + value + "; expected a number");
  }
}

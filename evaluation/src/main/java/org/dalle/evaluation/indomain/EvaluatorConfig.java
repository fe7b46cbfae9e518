package org.dalle.evaluation.indomain;

import java.io.Serializable;
import java.util.List;

/**
 * The shape of the in-domain evaluator network ({@link SceneClassifier}), bound from YAML with
 * snake_case names under {@code model:} in {@code configs/evaluator/*.yaml} and saved in every
 * export.
 *
 * @param imageSize side of the square input; images are resized to it bilinearly
 * @param widths output channels of each {@link ConvStage}; each stage halves the resolution, so
 *     {@code imageSize} must be divisible by {@code 2^widths.size()}
 * @param convsPerStage 3×3 convolutions in each stage before its pooling
 * @param featureSize width of the penultimate layer: the features the Fréchet distance uses
 */
public record EvaluatorConfig(
    int imageSize, List<Integer> widths, int convsPerStage, int featureSize)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * The quickstart's network: 32×32 inputs, three stages of 16, 32 and 64 channels, 128 features.
   */
  public static EvaluatorConfig tiny() {
    return new EvaluatorConfig(32, List.of(16, 32, 64), 2, 128);
  }

  /** Side of the last stage's output: {@code imageSize / 2^stages}. */
  public int finalSide() {
    return imageSize >> widths.size();
  }

  /**
   * Inputs of the feature layer: the last stage's spatial mean and maximum and its flattened map,
   * {@code widths.last · (2 + finalSide²)}.
   */
  public int pooledSize() {
    return widths.get(widths.size() - 1) * (2 + finalSide() * finalSide());
  }

  /**
   * @return this config
   * @throws IllegalArgumentException naming the first bad value and what was expected
   */
  public EvaluatorConfig validate() {
    if (widths == null || widths.isEmpty()) {
      throw new IllegalArgumentException(
          "model.widths is empty; expected the channels of each stage, such as [16, 32, 64]");
    }
    for (Integer width : widths) {
      if (width == null || width < 1) {
        throw new IllegalArgumentException(
            "model.widths is " + widths + "; expected positive channel counts");
      }
    }
    if (widths.size() > 8) {
      throw new IllegalArgumentException(
          "model.widths has " + widths.size() + " stages; expected at most 8");
    }
    int divisor = 1 << widths.size();
    if (imageSize < divisor || imageSize % divisor != 0) {
      throw new IllegalArgumentException(
          "model.image_size is "
              + imageSize
              + "; expected a positive multiple of "
              + divisor
              + " (each of the "
              + widths.size()
              + " stages halves it)");
    }
    if (convsPerStage < 1) {
      throw new IllegalArgumentException(
          "model.convs_per_stage is " + convsPerStage + "; expected at least 1");
    }
    if (featureSize < 2) {
      throw new IllegalArgumentException(
          "model.feature_size is " + featureSize + "; expected at least 2");
    }
    return this;
  }
}

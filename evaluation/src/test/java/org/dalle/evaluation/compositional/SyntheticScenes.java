package org.dalle.evaluation.compositional;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.pipelines.image.SquareResizer;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.SceneSampler;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;

/** Scenes, captions and renders of the synthetic dataset, made the way the prepare stage does. */
final class SyntheticScenes {
  static final Set<ColourShape> HELD_OUT =
      new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);

  /** One example: the scene, its ground-truth attributes and its caption's facts. */
  record Example(Scene scene, Map<String, String> attributes, CaptionFacts facts) {}

  private SyntheticScenes() {}

  /** Scenes 0..n-1 of both splits (train first) for {@code seed}, with their captions. */
  static List<Example> examples(long seed, int perSplit) {
    List<Example> examples = new ArrayList<>();
    CaptionWriter writer = new CaptionWriter();
    for (SyntheticSplit split : SyntheticSplit.values()) {
      SceneSampler sampler = new SceneSampler(seed, split, SceneMix.DEFAULT, HELD_OUT);
      for (int i = 0; i < perSplit; i++) {
        Scene scene = sampler.sample(i);
        CaptionWriter.Caption caption = writer.write(scene, sampler.phrasing(i));
        Map<String, String> attributes = SceneAttributes.encode(scene, caption, HELD_OUT, seed, i);
        String id = split.word() + "-" + i;
        examples.add(
            new Example(
                scene, attributes, CaptionFacts.fromAttributes(id, caption.text(), attributes)));
      }
    }
    return examples;
  }

  /**
   * The scene rendered at {@code renderSize} and, when {@code preparedSize} differs, resized the
   * way the prepare stage does (Lanczos, {@link SquareResizer}).
   */
  static BufferedImage image(Scene scene, int renderSize, int preparedSize) {
    BufferedImage image = new SceneRenderer(renderSize).render(scene);
    return preparedSize == renderSize
        ? image
        : SquareResizer.resizeAndCenterCrop(image, preparedSize);
  }
}

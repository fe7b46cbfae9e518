package org.dalle.evaluation.indomain;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.SceneSampler;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;

/** Synthetic scenes rendered and described the way the synthetic source does it. */
final class RenderedScenes {
  static final Set<ColourShape> HELD_OUT =
      new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);

  /** One rendered scene with its ground-truth attributes. */
  record Example(String id, BufferedImage image, Map<String, String> attributes) {}

  private RenderedScenes() {}

  /**
   * Scenes {@code from .. from+n-1} of the train split of {@code seed}, rendered at {@code size}.
   */
  static List<Example> train(long seed, int from, int n, int size, SceneMix mix) {
    SceneSampler sampler = new SceneSampler(seed, SyntheticSplit.TRAIN, mix, HELD_OUT);
    SceneRenderer renderer = new SceneRenderer(size);
    CaptionWriter writer = new CaptionWriter();
    List<Example> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      Scene scene = sampler.sample(i);
      CaptionWriter.Caption caption = writer.write(scene, sampler.phrasing(i));
      out.add(
          new Example(
              "train-" + i,
              renderer.render(scene),
              SceneAttributes.encode(scene, caption, HELD_OUT, seed, i)));
    }
    return out;
  }

  /** The network inputs of the examples, one after the other. */
  static float[] inputs(List<Example> examples, int side) {
    int floats = 3 * side * side;
    float[] out = new float[examples.size() * floats];
    for (int i = 0; i < examples.size(); i++) {
      System.arraycopy(
          EvaluatorNetwork.input(examples.get(i).image(), side), 0, out, i * floats, floats);
    }
    return out;
  }

  /** The targets of the examples, one after the other. */
  static float[] targets(List<Example> examples, SceneLabels labels) {
    float[] out = new float[examples.size() * labels.classes()];
    for (int i = 0; i < examples.size(); i++) {
      Example e = examples.get(i);
      System.arraycopy(
          labels.targets(e.attributes(), e.id()), 0, out, i * labels.classes(), labels.classes());
    }
    return out;
  }
}

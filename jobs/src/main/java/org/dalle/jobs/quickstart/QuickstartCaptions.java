package org.dalle.jobs.quickstart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.Size;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;

/**
 * The captions {@code dalle quickstart} samples for, in the synthetic data's own phrasing ("a large
 * red circle"): the first three held-out (colour, shape) pairs, which the transformer never saw
 * (zero-shot composition, section 3.3 of the paper), each followed by a seen pair of the same
 * colour, so a grid of the two shows whether colour and shape are composed or copied.
 */
final class QuickstartCaptions {

  /** A caption and whether its (colour, shape) pair was held out of training. */
  record Caption(String text, boolean heldOut) {}

  private QuickstartCaptions() {}

  /**
   * @param heldOut the prepare config's held-out pairs as "colour shape"; empty uses the default
   */
  static List<Caption> of(List<String> heldOut) {
    Set<ColourShape> pairs = heldOutPairs(heldOut);
    List<Caption> captions = new ArrayList<>();
    for (ColourShape unseen : pairs.stream().limit(3).toList()) {
      captions.add(new Caption(caption(unseen), true));
      for (Shape shape : Shape.values()) {
        ColourShape seen = new ColourShape(unseen.colour(), shape);
        if (!pairs.contains(seen)) {
          captions.add(new Caption(caption(seen), false));
          break;
        }
      }
    }
    return captions;
  }

  /** The prepare config's held-out pairs, or the default list when it names none. */
  static Set<ColourShape> heldOutPairs(List<String> heldOut) {
    Set<ColourShape> pairs = new LinkedHashSet<>();
    for (String pair : heldOut) {
      pairs.add(SyntheticVocabulary.parsePair(pair));
    }
    if (pairs.isEmpty()) {
      pairs.addAll(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);
    }
    return pairs;
  }

  private static String caption(ColourShape pair) {
    String words = Size.LARGE.word() + " " + pair.colour().word() + " " + pair.shape().word();
    return SyntheticVocabulary.article(words) + " " + words;
  }
}

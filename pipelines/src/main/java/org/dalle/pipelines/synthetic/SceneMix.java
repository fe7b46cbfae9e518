package org.dalle.pipelines.synthetic;

import java.io.Serializable;

/**
 * Relative weights of the scene kinds; they need not sum to one. The {@link #DEFAULT} draws 40%
 * single-object scenes (which teach colour, shape, size and position words), 30% count scenes and
 * 30% relation scenes.
 */
public record SceneMix(double single, double count, double relation) implements Serializable {
  public static final SceneMix DEFAULT = new SceneMix(0.4, 0.3, 0.3);

  public SceneMix {
    for (double w : new double[] {single, count, relation}) {
      if (!(w >= 0) || Double.isInfinite(w)) {
        throw new IllegalArgumentException(
            "scene weights must be finite and >= 0, got single="
                + single
                + " count="
                + count
                + " relation="
                + relation);
      }
    }
    if (single + count + relation <= 0) {
      throw new IllegalArgumentException(
          "at least one scene weight must be positive, got single=0 count=0 relation=0");
    }
  }

  /** The kind a uniform draw {@code u} in [0, 1) selects. */
  public Scene.Kind pick(double u) {
    double total = single + count + relation;
    double t = u * total;
    if (t < single) {
      return Scene.Kind.SINGLE;
    }
    if (t < single + count) {
      return Scene.Kind.COUNT;
    }
    if (relation > 0) {
      return Scene.Kind.RELATION;
    }
    // Only rounding at the top of the range gets here: fall back to the last kind with weight.
    return count > 0 ? Scene.Kind.COUNT : Scene.Kind.SINGLE;
  }
}

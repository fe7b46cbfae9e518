package org.dalle.evaluation.compositional;

/**
 * The tasks of the compositional benchmark, in the spirit of GenEval (Ghosh et al. 2023) but
 * decided by the {@link SceneChecker} against the ground truth of the synthetic captions. A caption
 * takes part in every task its scene kind and stated facts allow; {@link CompositionalScorer} holds
 * the exact pass rules.
 */
public enum CompositionalTask {
  /** Single-object captions: exactly one object, of the stated shape. */
  SINGLE_OBJECT("single_object"),
  /** Single-object captions: exactly one object, of the stated shape and colour. */
  COLOUR("colour"),
  /** Single-object captions that name a cell: that object, in that grid cell. */
  POSITION("position"),
  /** Count captions: exactly N objects, all of the stated colour and shape. */
  COUNTING("counting"),
  /** Relation captions: exactly two objects whose shapes are the two stated shapes. */
  TWO_OBJECTS("two_objects"),
  /**
   * Relation captions: exactly two objects, each with its own stated colour (and size, when the
   * caption states sizes): swapping the colours of the two shapes fails.
   */
  ATTRIBUTE_BINDING("attribute_binding"),
  /** Relation captions: the two bound objects, and "first RELATION second" holds. */
  RELATION("relation"),
  /**
   * Captions with a (colour, shape) pair held out of training: as many objects as the caption
   * describes, and every held-out pair among them — the zero-shot composition test.
   */
  HELD_OUT_PAIRS("heldout_pairs");

  private final String key;

  CompositionalTask(String key) {
    this.key = key;
  }

  /** The task's name in {@code compositional.json}. */
  public String key() {
    return key;
  }
}

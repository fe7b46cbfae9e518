package org.dalle.pipelines.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Draws scene {@code i} of a split as a pure function of {@code (seed, split, i)}: every scene has
 * its own {@link Random} seeded from a hash of the three, so scenes can be generated in any order,
 * on any worker, and come out the same ({@code java.util.Random}'s algorithm is fixed by its
 * specification, so this holds across JVMs too).
 *
 * <p>Sampling, all choices uniform: the kind by the {@link SceneMix}; a (colour, shape) pair from
 * the pairs the split allows; a size; a cell, or distinct cells for a count scene; a relation and a
 * pair of cells for which it holds ({@link Relation#holds(GridPosition, GridPosition)}). Objects
 * are centred in their cell with a random offset small enough that the object stays inside the
 * cell, so objects in different cells never overlap and a relation between cells also holds between
 * the object centres.
 *
 * <p>Pairs are uniform over the pairs allowed, so with the default held-out pairs pink and white
 * (which have no held-out pair) appear six times for every five of another colour.
 *
 * <p>Train scenes draw pairs only from the pairs not held out. In a heldout scene a single or count
 * scene's pair is held out, and a relation scene holds out one of its two objects (chosen at
 * random) while the other may be any pair.
 */
public final class SceneSampler {
  /** Smallest gap between the boxes of objects in neighbouring cells, as a fraction of the side. */
  static final double MIN_GAP = 0.02;

  private static final long TEMPLATE_SALT = 0x7E3A_11C5_D00D_F00DL;

  private final long seed;
  private final SyntheticSplit split;
  private final SceneMix mix;
  private final List<ColourShape> heldOut;
  private final List<ColourShape> trainPairs;
  private final List<ColourShape> allPairs = SyntheticVocabulary.allPairs();

  /**
   * @param heldOut the held-out pairs, usually from {@link
   *     SyntheticVocabulary#resolveHeldOutPairs(List)}
   * @throws IllegalArgumentException when the split cannot be sampled: no held-out pair for the
   *     heldout split, or fewer than two training pairs for the train split
   */
  public SceneSampler(long seed, SyntheticSplit split, SceneMix mix, Set<ColourShape> heldOut) {
    this.seed = seed;
    this.split = split;
    this.mix = mix;
    this.heldOut = List.copyOf(heldOut);
    List<ColourShape> train = new ArrayList<>(allPairs);
    train.removeAll(heldOut);
    this.trainPairs = List.copyOf(train);
    if (split == SyntheticSplit.HELDOUT && this.heldOut.isEmpty()) {
      throw new IllegalArgumentException("the heldout split needs at least one held-out pair");
    }
    if (split == SyntheticSplit.TRAIN && trainPairs.size() < 2) {
      throw new IllegalArgumentException(
          "held-out pairs " + heldOut + " leave fewer than two training pairs");
    }
  }

  public long seed() {
    return seed;
  }

  public SyntheticSplit split() {
    return split;
  }

  /** Scene {@code index} of this sampler's split. */
  public Scene sample(long index) {
    Random rng = new Random(sceneSeed(seed, split, index));
    Scene.Kind kind = mix.pick(rng.nextDouble());
    return switch (kind) {
      case SINGLE -> single(rng);
      case COUNT -> count(rng);
      case RELATION -> relation(rng);
    };
  }

  /**
   * A uniform non-negative draw for scene {@code index} that picks its caption template, from a
   * stream separate from the scene's so that adding a template never changes an image.
   */
  public int phrasing(long index) {
    return new Random(sceneSeed(seed ^ TEMPLATE_SALT, split, index)).nextInt(Integer.MAX_VALUE);
  }

  private Scene single(Random rng) {
    ColourShape pair = pick(rng, split == SyntheticSplit.TRAIN ? trainPairs : heldOut);
    SceneObject object = place(rng, pair, pick(rng, SyntheticVocabulary.sizes()), pickCell(rng));
    return new Scene(Scene.Kind.SINGLE, split, List.of(object), Optional.empty());
  }

  private Scene count(Random rng) {
    int n = 1 + rng.nextInt(SyntheticVocabulary.MAX_COUNT);
    ColourShape pair = pick(rng, split == SyntheticSplit.TRAIN ? trainPairs : heldOut);
    Size size = pick(rng, SyntheticVocabulary.sizes());
    List<GridPosition> cells = new ArrayList<>(SyntheticVocabulary.positions());
    shuffle(rng, cells);
    List<SceneObject> objects = new ArrayList<>();
    for (GridPosition cell : cells.subList(0, n)) {
      objects.add(place(rng, pair, size, cell));
    }
    return new Scene(Scene.Kind.COUNT, split, objects, Optional.empty());
  }

  private Scene relation(Random rng) {
    Relation relation = pick(rng, SyntheticVocabulary.relations());
    List<GridPosition[]> cellPairs = new ArrayList<>();
    for (GridPosition a : GridPosition.values()) {
      for (GridPosition b : GridPosition.values()) {
        if (relation.holds(a, b)) {
          cellPairs.add(new GridPosition[] {a, b});
        }
      }
    }
    GridPosition[] cells = pick(rng, cellPairs);
    ColourShape[] pairs = new ColourShape[2];
    if (split == SyntheticSplit.TRAIN) {
      pairs[0] = pick(rng, trainPairs);
      pairs[1] = pickOther(rng, trainPairs, pairs[0]);
    } else {
      int heldOutSlot = rng.nextInt(2);
      pairs[heldOutSlot] = pick(rng, heldOut);
      pairs[1 - heldOutSlot] = pickOther(rng, allPairs, pairs[heldOutSlot]);
    }
    List<SceneObject> objects = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      objects.add(place(rng, pairs[i], pick(rng, SyntheticVocabulary.sizes()), cells[i]));
    }
    return new Scene(Scene.Kind.RELATION, split, objects, Optional.of(relation));
  }

  /** Centres an object in its cell with a uniform offset that keeps its box inside the cell. */
  private static SceneObject place(Random rng, ColourShape pair, Size size, GridPosition cell) {
    double slack = Math.max(0, 0.5 / GridPosition.GRID - size.halfExtent() - MIN_GAP / 2);
    double x = cell.centreX() + (2 * rng.nextDouble() - 1) * slack;
    double y = cell.centreY() + (2 * rng.nextDouble() - 1) * slack;
    return new SceneObject(pair.colour(), pair.shape(), size, cell, x, y);
  }

  private static GridPosition pickCell(Random rng) {
    return pick(rng, SyntheticVocabulary.positions());
  }

  private static ColourShape pickOther(Random rng, List<ColourShape> pool, ColourShape not) {
    List<ColourShape> others = new ArrayList<>(pool);
    others.remove(not);
    return pick(rng, others);
  }

  private static <T> T pick(Random rng, List<T> values) {
    return values.get(rng.nextInt(values.size()));
  }

  private static <T> void shuffle(Random rng, List<T> values) {
    for (int i = values.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      T t = values.get(i);
      values.set(i, values.get(j));
      values.set(j, t);
    }
  }

  /** SplitMix64 finaliser over (seed, split, index): nearby indices get unrelated streams. */
  static long sceneSeed(long seed, SyntheticSplit split, long index) {
    long z = seed * 0x9E37_79B9_7F4A_7C15L + split.ordinal() * 0xBF58_476D_1CE4_E5B9L + index;
    z = mix64(z);
    return mix64(z ^ seed);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }
}

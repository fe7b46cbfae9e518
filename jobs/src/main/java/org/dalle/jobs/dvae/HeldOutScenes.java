package org.dalle.jobs.dvae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.image.SquareResizer;
import org.dalle.pipelines.prepare.PreparePipeline;
import org.dalle.pipelines.prepare.PreparedData;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SyntheticExampleGenerator;
import org.dalle.pipelines.synthetic.SyntheticSpec;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import org.dalle.schemas.RawExample;

/**
 * Scenes of the synthetic source's held-out split that a prepared dataset does not hold, rendered
 * as {@code dalle prepare} rendered that dataset: the synthetic source's seed, render size, scene
 * mix and held-out (colour, shape) pairs, read from the {@code run.json} the prepare job writes
 * beside its images. Every held-out-split scene shows a held-out pair, which the training split
 * never shows, so a dVAE trained on the data has never seen these images.
 *
 * <p>An image is made as the prepare job makes one: the source's PNG ({@link
 * SyntheticExampleGenerator}), resized with {@link SquareResizer} to the prepared side, then, like
 * {@link TrainingImages#centreCrops}, the centre window of the model's side.
 *
 * @param seed the synthetic source's seed
 * @param renderSize the side the source renders at ({@code size=} of its spec)
 * @param mix the source's scene mix
 * @param heldOutPairs the pairs held out of the training split, in the prepare config's order
 *     (kept: the scenes depend on it)
 * @param firstIndex the first held-out-split scene index the data does not hold (above every index
 *     of a held-out-split input with the same seed; 0 when there is none)
 */
public record HeldOutScenes(
    long seed, int renderSize, SceneMix mix, Set<ColourShape> heldOutPairs, long firstIndex) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYNTHETIC = "synthetic:";

  public HeldOutScenes {
    // In the order given (the prepare config's), as the prepare job passed them: the sampler picks
    // a held-out scene's pair by its index in that order, and Set.copyOf iterates in an order that
    // changes from one JVM to the next, which drew other scenes in every run.
    heldOutPairs = Collections.unmodifiableSet(new LinkedHashSet<>(heldOutPairs));
    if (firstIndex < 0) {
      throw new IllegalArgumentException("first scene index must be >= 0, got " + firstIndex);
    }
  }

  /**
   * What a prepared dataset says about its held-out split.
   *
   * @param scenes the scenes, when the data has a synthetic source
   * @param reason why there are none; empty when there are
   */
  public record Lookup(Optional<HeldOutScenes> scenes, String reason) {
    static Lookup found(HeldOutScenes scenes) {
      return new Lookup(Optional.of(scenes), "");
    }

    static Lookup none(String reason) {
      return new Lookup(Optional.empty(), reason);
    }
  }

  /**
   * Rendered scenes.
   *
   * @param images the images, {@code crop} on a side
   * @param scenes what each image shows, in the same order
   */
  public record Rendered(TrainingImages images, List<Scene> scenes) {
    public Rendered {
      scenes = List.copyOf(scenes);
      if (scenes.size() != images.count()) {
        throw new IllegalArgumentException(
            scenes.size() + " scenes for " + images.count() + " images; expected one each");
      }
    }
  }

  /**
   * Reads the synthetic source of the prepare output in {@code dataDir} from its {@code run.json},
   * through Beam FileSystems like every reader of {@link PreparedData}. The first {@code
   * synthetic:} input gives the seed, size and mix; other inputs may be of any kind.
   *
   * @return the scenes, or the reason there are none: no {@code run.json}, or no synthetic input
   * @throws IOException when {@code run.json} cannot be read
   * @throws IllegalArgumentException when it is not a prepare job's {@code run.json}, or a spec in
   *     it does not parse
   */
  public static Lookup fromPreparedData(String dataDir) throws IOException {
    String runJson = PreparedData.runJsonPath(dataDir);
    String text;
    try {
      text = PreparedData.readText(runJson);
    } catch (FileNotFoundException e) {
      return Lookup.none(
          "no run.json in "
              + dataDir
              + " records how the data was prepared, so its synthetic source is unknown");
    }
    JsonNode config = JSON.readTree(text).path("config");
    JsonNode inputs = config.path("inputs");
    if (!inputs.isArray()) {
      throw new IllegalArgumentException(
          runJson
              + " has no config.inputs list; expected the run.json of `dalle prepare` (next to its "
              + PreparePipeline.MARKER
              + ")");
    }
    JsonNode source = config.path("source");
    long defaultSeed = source.path("seed").asLong(0);
    List<SyntheticSpec> synthetic = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (JsonNode input : inputs) {
      all.add(input.asText());
      if (input.asText().startsWith(SYNTHETIC)) {
        synthetic.add(
            SyntheticSpec.parse(input.asText().substring(SYNTHETIC.length()), defaultSeed));
      }
    }
    if (synthetic.isEmpty()) {
      return Lookup.none(
          "the data in " + dataDir + " has no synthetic source (inputs " + all + ")");
    }
    List<String> pairs = new ArrayList<>();
    source.path("held_out_pairs").forEach(pair -> pairs.add(pair.asText()));
    SyntheticSpec first = synthetic.get(0);
    long firstIndex = 0;
    for (SyntheticSpec spec : synthetic) {
      if (spec.split() == SyntheticSplit.HELDOUT && spec.seed() == first.seed()) {
        firstIndex = Math.max(firstIndex, spec.examples());
      }
    }
    return Lookup.found(
        new HeldOutScenes(
            first.seed(),
            first.imageSize(),
            first.mix(),
            SyntheticVocabulary.resolveHeldOutPairs(pairs),
            firstIndex));
  }

  /**
   * Scenes {@code firstIndex} to {@code firstIndex + count − 1} of the held-out split.
   *
   * @param preparedSize the side the prepare job resized to (the data's image side)
   * @param crop the model's side, at most {@code preparedSize}
   */
  public Rendered render(int count, int preparedSize, int crop) {
    if (count < 1) {
      throw new IllegalArgumentException("scene count must be at least 1, got " + count);
    }
    SyntheticExampleGenerator generator =
        new SyntheticExampleGenerator(
            new SyntheticSpec(firstIndex + count, seed, renderSize, SyntheticSplit.HELDOUT, mix),
            heldOutPairs);
    List<BufferedImage> images = new ArrayList<>(count);
    List<Scene> scenes = new ArrayList<>(count);
    for (long index = firstIndex; index < firstIndex + count; index++) {
      RawExample example = generator.generate(index);
      ByteBuffer bytes = example.getImageBytes().duplicate();
      byte[] png = new byte[bytes.remaining()];
      bytes.get(png);
      images.add(SquareResizer.resizeAndCenterCrop(PngCodec.decode(png), preparedSize));
      Map<String, String> attributes = new LinkedHashMap<>();
      example.getAttributes().forEach((k, v) -> attributes.put(k.toString(), v.toString()));
      scenes.add(SceneAttributes.decode(attributes));
    }
    TrainingImages prepared = TrainingImages.of(images, crop);
    float[] crops = prepared.centreCrops();
    return new Rendered(new TrainingImages(crops, count, crop, crop), scenes);
  }

  /** The settings as written in {@code reconstruction_check.json}. */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("split", SyntheticSplit.HELDOUT.word());
    json.put("seed", seed);
    json.put("first_index", firstIndex);
    json.put("render_size", renderSize);
    json.put("held_out_pairs", heldOutPairs.stream().map(ColourShape::toString).sorted().toList());
    return json;
  }
}

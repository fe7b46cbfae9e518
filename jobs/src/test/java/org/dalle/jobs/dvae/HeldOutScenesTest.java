package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneObject;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldOutScenesTest {

  @TempDir Path dir;

  /** A prepare output's run.json with these inputs and source settings. */
  static Path preparedData(Path dir, String inputs, String source) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("run.json"),
        "{\"job\": \"prepare\", \"config\": {\"inputs\": ["
            + inputs
            + "], \"image_size\": 32, \"source\": {"
            + source
            + "}}}");
    return dir;
  }

  @Test
  void readsTheSyntheticSourceOfThePreparedData() throws IOException {
    Path data =
        preparedData(
            dir,
            "\"synthetic:4000,seed=1,size=64\"",
            "\"seed\": 9, \"held_out_pairs\": [\"red triangle\", \"blue star\"]");
    HeldOutScenes scenes = HeldOutScenes.fromPreparedData(data.toString()).scenes().orElseThrow();
    assertEquals(
        new HeldOutScenes(
            1,
            64,
            SceneMix.DEFAULT,
            Set.of(
                new ColourShape(Colour.RED, Shape.TRIANGLE),
                new ColourShape(Colour.BLUE, Shape.STAR)),
            0),
        scenes);
  }

  @Test
  void defaultsComeFromTheSourceConfigAndHeldOutInputsAreSkipped() throws IOException {
    Path data =
        preparedData(
            dir,
            "\"folder:/x\", \"synthetic:100,size=32\", \"synthetic:30,split=heldout\"",
            "\"seed\": 9, \"held_out_pairs\": []");
    HeldOutScenes scenes = HeldOutScenes.fromPreparedData(data.toString()).scenes().orElseThrow();
    assertEquals(9, scenes.seed());
    assertEquals(32, scenes.renderSize());
    assertEquals(
        new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS), scenes.heldOutPairs());
    // The data holds held-out-split scenes 0..29 of the same seed: the check starts after them.
    assertEquals(30, scenes.firstIndex());
  }

  @Test
  void thePairsKeepTheirConfiguredOrderSoEveryRunDrawsTheSameScenes() {
    // The sampler picks a held-out scene's pair by its index in this order; an order that changed
    // between JVMs (Set.copyOf's) drew different scenes for the reconstruction check in each run.
    List<ColourShape> configured = new ArrayList<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);
    Collections.reverse(configured);
    for (int shift = 0; shift < configured.size(); shift++) {
      Collections.rotate(configured, 1);
      HeldOutScenes scenes =
          new HeldOutScenes(1, 32, SceneMix.DEFAULT, new LinkedHashSet<>(configured), 0);
      assertEquals(configured, new ArrayList<>(scenes.heldOutPairs()));
    }
  }

  @Test
  void dataWithoutASyntheticSourceSaysWhy() throws IOException {
    HeldOutScenes.Lookup none = HeldOutScenes.fromPreparedData(dir.toString());
    assertTrue(none.scenes().isEmpty());
    assertTrue(none.reason().contains("no run.json"), none.reason());

    Path folder = preparedData(dir.resolve("folder"), "\"folder:/photos\"", "\"seed\": 0");
    HeldOutScenes.Lookup photos = HeldOutScenes.fromPreparedData(folder.toString());
    assertTrue(photos.scenes().isEmpty());
    assertTrue(photos.reason().contains("no synthetic source"), photos.reason());
    assertTrue(photos.reason().contains("folder:/photos"), photos.reason());
  }

  @Test
  void badSpecsAndFilesFailByName() throws IOException {
    Path bad = preparedData(dir.resolve("bad"), "\"synthetic:10,colour=red\"", "\"seed\": 0");
    IllegalArgumentException spec =
        assertThrows(
            IllegalArgumentException.class, () -> HeldOutScenes.fromPreparedData(bad.toString()));
    assertTrue(spec.getMessage().contains("colour"), spec.getMessage());

    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("run.json"), "{\"job\": \"encode\"}");
    IllegalArgumentException notPrepare =
        assertThrows(
            IllegalArgumentException.class, () -> HeldOutScenes.fromPreparedData(other.toString()));
    assertTrue(notPrepare.getMessage().contains("config.inputs"), notPrepare.getMessage());
  }

  @Test
  void renderedScenesAreHeldOutSplitScenesAtTheModelsSize() {
    Set<ColourShape> pairs = new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);
    HeldOutScenes.Rendered rendered =
        new HeldOutScenes(1, 64, SceneMix.DEFAULT, pairs, 5).render(12, 36, 32);
    assertEquals(12, rendered.images().count());
    assertEquals(32, rendered.images().size());
    assertEquals(32, rendered.images().crop());
    for (Scene scene : rendered.scenes()) {
      assertEquals(SyntheticSplit.HELDOUT, scene.split());
      assertTrue(
          scene.objects().stream().map(SceneObject::pair).anyMatch(pairs::contains),
          "every held-out-split scene shows a held-out pair: " + scene);
    }
    // Scene 5 onwards: the same scenes a render from 0 shows at index 5.
    HeldOutScenes.Rendered fromZero =
        new HeldOutScenes(1, 64, SceneMix.DEFAULT, pairs, 0).render(6, 36, 32);
    assertEquals(fromZero.scenes().get(5), rendered.scenes().get(0));
  }
}

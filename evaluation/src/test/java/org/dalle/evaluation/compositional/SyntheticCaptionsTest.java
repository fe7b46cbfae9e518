package org.dalle.evaluation.compositional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCaptionsTest {
  @TempDir Path dir;

  @Test
  void heldOutScenesNameAHeldOutPairAndUnseenScenesComeFromTheTrainingSplit() {
    List<SyntheticCaptions.Line> heldOut =
        SyntheticCaptions.heldOut(1, SyntheticScenes.HELD_OUT, 40);
    List<SyntheticCaptions.Line> unseen =
        SyntheticCaptions.unseenTrainScenes(1, SyntheticScenes.HELD_OUT, 1_000_000, 40);
    assertEquals(40, heldOut.size());
    assertEquals("heldout-000", heldOut.get(0).id());
    assertEquals("unseen-039", unseen.get(39).id());
    for (SyntheticCaptions.Line line : heldOut) {
      CaptionFacts facts =
          CaptionFacts.fromAttributes(line.id(), line.caption(), line.attributes());
      assertFalse(facts.heldOut().isEmpty(), line.caption());
      assertEquals("heldout", line.attributes().get("split"));
    }
    for (int i = 0; i < unseen.size(); i++) {
      SyntheticCaptions.Line line = unseen.get(i);
      CaptionFacts facts =
          CaptionFacts.fromAttributes(line.id(), line.caption(), line.attributes());
      assertTrue(facts.heldOut().isEmpty(), line.caption());
      assertEquals("train", line.attributes().get("split"));
      assertEquals(Long.toString(1_000_000 + i), line.attributes().get("index"));
    }
    // the same arguments give the same captions; another first index gives other scenes
    assertEquals(heldOut, SyntheticCaptions.heldOut(1, SyntheticScenes.HELD_OUT, 40));
    assertNotEquals(
        unseen.stream().map(l -> l.attributes().get("object.0.x")).toList(),
        SyntheticCaptions.unseenTrainScenes(1, SyntheticScenes.HELD_OUT, 0, 40).stream()
            .map(l -> l.attributes().get("object.0.x"))
            .toList());
  }

  @Test
  void indexZeroOfTheTrainingSplitIsTheSceneThePrepareStageDraws() {
    SyntheticScenes.Example first = SyntheticScenes.examples(5, 1).get(0); // train split, index 0
    SyntheticCaptions.Line line =
        SyntheticCaptions.unseenTrainScenes(5, SyntheticScenes.HELD_OUT, 0, 1).get(0);
    assertEquals(first.facts().caption(), line.caption());
    assertEquals(first.attributes(), line.attributes());
  }

  @Test
  void writesJsonlThatTheCaptionFileReaderReadsBack() throws IOException {
    List<SyntheticCaptions.Line> lines =
        new ArrayList<>(SyntheticCaptions.heldOut(2, SyntheticScenes.HELD_OUT, 5));
    lines.addAll(SyntheticCaptions.unseenTrainScenes(2, SyntheticScenes.HELD_OUT, 100, 5));
    Path out = dir.resolve("sub/captions.jsonl");
    SyntheticCaptions.write(lines, out);
    List<CaptionFacts> read = CaptionFacts.read(out);
    assertEquals(10, read.size());
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(lines.get(i).id(), read.get(i).id());
      assertEquals(lines.get(i).caption(), read.get(i).caption());
      assertEquals(SceneAttributes.decode(lines.get(i).attributes()), read.get(i).scene());
    }
    try (var files = Files.list(out.getParent())) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void rejectsNegativeCountsAndIndices() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SyntheticCaptions.heldOut(1, SyntheticScenes.HELD_OUT, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> SyntheticCaptions.unseenTrainScenes(1, SyntheticScenes.HELD_OUT, -5, 1));
  }
}

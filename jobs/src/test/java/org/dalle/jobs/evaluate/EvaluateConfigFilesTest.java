package org.dalle.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.dalle.evaluation.protocols.BlurRadii;
import org.dalle.evaluation.protocols.CaptionSelectionJob;
import org.dalle.evaluation.protocols.EvaluationCaptionFile;
import org.dalle.jobs.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code configs/evaluate/} files: each loads and validates, and each protocol's
 * variant without the images that overlap training (MS-COCO-30k and CUB, as the paper reports both)
 * differs from the full protocol only in its name and in reading the {@code no_overlap/} reference
 * list that {@code dalle eval-captions --overlap} writes beside the full one.
 */
class EvaluateConfigFilesTest {
  private static final Map<String, Object> RUN = Map.of("samples", "/runs/s", "out", "/runs/e");

  private static EvaluateConfig load(String name) {
    return ConfigLoader.loadResource(
            EvaluateConfig.class,
            EvaluateConfig.defaults(),
            "configs/evaluate/" + name + ".yaml",
            RUN)
        .validate();
  }

  @Test
  void theNoOverlapVariantsReadTheNoOverlapReferenceListOfTheirProtocol() {
    for (Map.Entry<String, String> pair :
        Map.of("paper", "coco30k-no-overlap", "cub", "cub-no-overlap").entrySet()) {
      EvaluateConfig full = load(pair.getKey());
      EvaluateConfig clean = load(pair.getValue());
      String list = "/" + EvaluationCaptionFile.REFERENCE_IMAGES;
      String expectedReference =
          full.reference().substring(0, full.reference().length() - list.length())
              + "/"
              + CaptionSelectionJob.NO_OVERLAP
              + list;
      assertFalse(
          full.reference().contains(CaptionSelectionJob.NO_OVERLAP),
          pair.getKey() + " reads the full reference list");
      assertEquals(
          new EvaluateConfig(
              "/runs/s",
              expectedReference,
              full.features(),
              full.captions(),
              full.dvaeRun(),
              full.protocol() + "-no-overlap",
              full.blur(),
              full.squareSize(),
              full.batchSize(),
              full.splits(),
              "/runs/e"),
          clean,
          pair.getValue());
    }
  }

  @Test
  void theCubProtocolIsThePapersSettingsOnTheCubReferenceImages() {
    EvaluateConfig paper = load("paper");
    EvaluateConfig cub = load("cub");
    assertEquals("coco30k", paper.protocol());
    assertEquals("cub", cub.protocol());
    assertEquals("list:/data/cub/eval-captions/cub/reference_images.txt", cub.reference());
    assertEquals(BlurRadii.parse(BlurRadii.DEFAULT), cub.blur());
    assertEquals(paper.features(), cub.features());
    assertEquals(paper.squareSize(), cub.squareSize());
    assertEquals(paper.splits(), cub.splits());
  }
}

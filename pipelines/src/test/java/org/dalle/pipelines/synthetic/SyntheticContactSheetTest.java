package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticContactSheetTest {
  @Test
  void laysOutTilesWithOnePanelPerSize() {
    SceneSampler sampler =
        new SceneSampler(
            0,
            SyntheticSplit.TRAIN,
            SceneMix.DEFAULT,
            SyntheticVocabulary.resolveHeldOutPairs(List.of()));
    BufferedImage sheet = SyntheticContactSheet.compose(sampler, 5, 4, List.of(64, 32));
    int tileWidth = 2 * (SyntheticContactSheet.PANEL + 6) + 6;
    assertEquals(4 * tileWidth, sheet.getWidth());
    // Two rows of tiles; the first panel of the first tile is the 64-pixel render, enlarged twice.
    assertEquals(0, sheet.getHeight() % 2);
    BufferedImage render = new SceneRenderer(64).render(sampler.sample(0));
    for (int y = 0; y < 64; y += 7) {
      for (int x = 0; x < 64; x += 7) {
        assertEquals(render.getRGB(x, y), sheet.getRGB(6 + 2 * x, 6 + 2 * y), x + "," + y);
      }
    }
  }
}

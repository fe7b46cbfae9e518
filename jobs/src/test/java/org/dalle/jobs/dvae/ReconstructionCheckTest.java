package org.dalle.jobs.dvae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The check with stand-in dVAEs on real held-out-split renders: one that returns its input, one
 * that repaints every object in another palette colour (shapes untouched), and one that adds a
 * constant. Twenty scenes in batches of six, so the last batch is short.
 */
class ReconstructionCheckTest {

  private static final int COUNT = 20;
  private static final int BATCH = 6;
  private static final int VOCAB = 16;
  private static final int GRID = 4;

  private static HeldOutScenes.Rendered rendered;

  @BeforeAll
  static void render() {
    HeldOutScenes scenes =
        new HeldOutScenes(
            1, 64, SceneMix.DEFAULT, Set.copyOf(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS), 0);
    rendered = scenes.render(COUNT, 32, 32);
  }

  /** Codes that depend on the image and the position, so usage and perplexity are known. */
  private static int[] codes(int firstImage, int count) {
    int[] codes = new int[count * GRID * GRID];
    for (int i = 0; i < count; i++) {
      for (int p = 0; p < GRID * GRID; p++) {
        codes[i * GRID * GRID + p] = ((firstImage + i) % 3 == 0) ? 0 : p % (VOCAB / 2);
      }
    }
    return codes;
  }

  /** A stand-in dVAE that records the batch sizes it was given and numbers the images. */
  private static final class Recorder {
    final List<Integer> batches = new ArrayList<>();

    ReconstructionCheck.Reconstructor around(java.util.function.UnaryOperator<float[]> pixels) {
      return (images, count, size) -> {
        int first = batches.stream().mapToInt(Integer::intValue).sum();
        batches.add(count);
        return new ReconstructionCheck.Reconstruction(
            codes(first, count), pixels.apply(images.clone()));
      };
    }
  }

  @Test
  void identityKeepsEveryObjectAndCountsEveryCode() {
    Recorder recorder = new Recorder();
    ReconstructionCheck.Outcome outcome =
        new ReconstructionCheck(recorder.around(p -> p), BATCH, VOCAB)
            .run(rendered.images(), rendered.scenes());
    ReconstructionCheckResult r = outcome.result();

    assertEquals(List.of(6, 6, 6, 2), recorder.batches);
    assertEquals(COUNT, r.images());
    // The checker reads the dataset's own renders exactly, so the reference is 100%.
    assertEquals(1.0, r.originalsRight());
    assertEquals(1.0, r.reconstructionsRight());
    assertEquals(1.0, r.ratio());
    assertTrue(r.meetsTarget());
    assertEquals(1.0, r.colourRight());
    assertEquals(1.0, r.shapeRight());
    assertEquals(0.0, r.mse());
    CodebookStats expected = CodebookStats.of(codes(0, COUNT), VOCAB);
    assertEquals(expected.usage(), r.codesUsed());
    assertEquals(8, r.codesUsed());
    assertEquals(expected.perplexity(), r.perplexity(), 1e-12);
    assertEquals(VOCAB, r.vocabSize());

    assertEquals(ReconstructionCheck.SHOWN, outcome.shown().size());
    assertTrue(outcome.shown().stream().allMatch(ReconstructionCheck.Shown::right));
  }

  @Test
  void repaintedObjectsKeepTheirShapeButNoImageIsRight() {
    ReconstructionCheck.Outcome outcome =
        new ReconstructionCheck(new Recorder().around(Repaint::apply), BATCH, VOCAB)
            .run(rendered.images(), rendered.scenes());
    ReconstructionCheckResult r = outcome.result();

    assertEquals(1.0, r.originalsRight());
    assertEquals(0.0, r.reconstructionsRight());
    assertEquals(0.0, r.ratio());
    assertTrue(!r.meetsTarget());
    assertEquals(0.0, r.colourRight());
    assertEquals(1.0, r.shapeRight());
    assertTrue(r.mse() > 0);
    assertTrue(outcome.shown().stream().noneMatch(ReconstructionCheck.Shown::right));
  }

  @Test
  void mseIsTheMeanSquaredDifferenceOverEverySubPixel() {
    ReconstructionCheckResult r =
        new ReconstructionCheck(
                new Recorder()
                    .around(
                        p -> {
                          for (int i = 0; i < p.length; i++) {
                            p[i] += 0.25f;
                          }
                          return p;
                        }),
                BATCH,
                VOCAB)
            .run(rendered.images(), rendered.scenes())
            .result();
    assertEquals(0.0625, r.mse(), 1e-9);
  }

  @Test
  void badInputsAreRejectedByName() {
    ReconstructionCheck.Reconstructor identity = new Recorder().around(p -> p);
    IllegalArgumentException scenes =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReconstructionCheck(identity, BATCH, VOCAB)
                    .run(rendered.images(), rendered.scenes().subList(0, 3)));
    assertTrue(scenes.getMessage().contains("3 scenes for 20 images"), scenes.getMessage());
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class, () -> new ReconstructionCheck(identity, 0, VOCAB));
    assertTrue(batch.getMessage().contains("got 0"), batch.getMessage());
    ReconstructionCheck.Reconstructor outOfCodebook =
        (images, count, size) ->
            new ReconstructionCheck.Reconstruction(new int[] {VOCAB}, images.clone());
    IllegalArgumentException code =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ReconstructionCheck(outOfCodebook, BATCH, VOCAB)
                    .run(rendered.images(), rendered.scenes()));
    assertTrue(code.getMessage().contains("code 16"), code.getMessage());
  }

  /**
   * Repaints every pixel in the next palette colour at the same coverage: a rendered pixel is its
   * object's colour times its coverage over the black background, so the masks, and with them the
   * shapes, stay exactly as they were while every object changes colour.
   */
  private static final class Repaint {
    private static final Colour[] PALETTE = Colour.values();

    static float[] apply(float[] pixels) {
      int plane = 32 * 32;
      for (int image = 0; image < pixels.length; image += 3 * plane) {
        for (int at = image; at < image + plane; at++) {
          float r = pixels[at];
          float g = pixels[at + plane];
          float b = pixels[at + 2 * plane];
          int best = 0;
          double bestAlpha = 0;
          double bestResidual = Double.POSITIVE_INFINITY;
          for (int c = 0; c < PALETTE.length; c++) {
            double[] colour = rgb(PALETTE[c]);
            double dot = r * colour[0] + g * colour[1] + b * colour[2];
            double norm = colour[0] * colour[0] + colour[1] * colour[1] + colour[2] * colour[2];
            double alpha = Math.max(0, Math.min(1, dot / norm));
            double residual =
                Math.pow(r - alpha * colour[0], 2)
                    + Math.pow(g - alpha * colour[1], 2)
                    + Math.pow(b - alpha * colour[2], 2);
            if (residual < bestResidual) {
              bestResidual = residual;
              best = c;
              bestAlpha = alpha;
            }
          }
          double[] next = rgb(PALETTE[(best + 1) % PALETTE.length]);
          pixels[at] = (float) (bestAlpha * next[0]);
          pixels[at + plane] = (float) (bestAlpha * next[1]);
          pixels[at + 2 * plane] = (float) (bestAlpha * next[2]);
        }
      }
      return pixels;
    }

    private static double[] rgb(Colour colour) {
      int v = colour.rgb();
      return new double[] {
        ((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0
      };
    }
  }
}

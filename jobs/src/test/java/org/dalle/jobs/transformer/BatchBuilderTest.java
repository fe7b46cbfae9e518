package org.dalle.jobs.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.dalle.models.tokenizer.BpeTokenizer;
import org.dalle.models.tokenizer.TextTokens;
import org.dalle.models.transformer.AttentionSchedule;
import org.dalle.models.transformer.TransformerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchBuilderTest {

  @TempDir Path dir;

  @Test
  void bpeDropoutKeepsTheCaptionAndRepeatsForTheSameStep() throws IOException {
    BpeTokenizer tokenizer = TokenData.writeTokenizer(dir.resolve("tokenizer.json"), 24);
    TokenData.write(dir, 24, tokenizer, 8, 4, 16);
    TransformerConfig model =
        new TransformerConfig(
            1,
            8,
            1,
            8,
            tokenizer.vocabSize(),
            4,
            16,
            3,
            0.125f,
            0.875f,
            0f,
            AttentionSchedule.SPARSE);
    TokenizedDataset data = TokenizedDataset.load(dir, model);
    assertEquals(24, data.count());
    int[] indices = {0, 5, 11, 23};

    BatchBuilder.Tokens plain = new BatchBuilder(data, tokenizer, 0, 8, 16, 1).build(indices, 3);
    for (int b = 0; b < indices.length; b++) {
      assertArrayEquals(data.text(indices[b]), row(plain.text(), b));
    }

    BatchBuilder dropout = new BatchBuilder(data, tokenizer, 0.5, 8, 16, 1);
    BatchBuilder.Tokens first = dropout.build(indices, 3);
    assertArrayEquals(first.text(), dropout.build(indices, 3).text(), "same step, same draws");
    assertArrayEquals(plain.image(), first.image());
    boolean changed = false;
    boolean stepsDiffer = false;
    for (long step = 0; step < 20; step++) {
      BatchBuilder.Tokens tokens = dropout.build(indices, step);
      stepsDiffer |= !Arrays.equals(tokens.text(), first.text());
      for (int b = 0; b < indices.length; b++) {
        int[] ids = row(tokens.text(), b);
        int[] caption = TextTokens.unpad(ids, tokenizer.vocabSize());
        // Dropped merges split tokens, never change the text (unless the caption is cut).
        if (caption.length < 8) {
          assertEquals(data.caption(indices[b]), tokenizer.decode(caption));
        }
        changed |= !Arrays.equals(ids, data.text(indices[b]));
      }
    }
    assertTrue(changed, "dropout 0.5 never changed a tokenisation");
    assertTrue(stepsDiffer, "every step drew the same tokens");
  }

  private static int[] row(long[] values, int b) {
    int[] out = new int[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (int) values[b * 8 + i];
    }
    return out;
  }
}

package org.dalle.pipelines.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.dalle.schemas.RawExample;
import org.junit.jupiter.api.Test;

class SyntheticExampleGeneratorTest {
  private static final Set<ColourShape> HELD_OUT =
      SyntheticVocabulary.resolveHeldOutPairs(List.of());

  @Test
  void buildsACompleteRecordForAnIndex() throws IOException {
    SyntheticSpec spec = SyntheticSpec.parse("10,seed=4,size=48,split=heldout", 0);
    RawExample example = new SyntheticExampleGenerator(spec, HELD_OUT).generate(7);
    assertEquals("synthetic", example.getSource());
    assertEquals("synthetic/heldout/4/7", example.getSourceKey());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes(example.getImageBytes())));
    assertEquals(48, image.getWidth());
    assertEquals(48, image.getHeight());
    assertEquals("heldout", example.getAttributes().get("split"));
    assertEquals("7", example.getAttributes().get("index"));
    assertEquals("4", example.getAttributes().get("seed"));
    // The attributes describe the scene the sampler draws for the same index.
    Scene scene = new SceneSampler(4, SyntheticSplit.HELDOUT, SceneMix.DEFAULT, HELD_OUT).sample(7);
    assertEquals(scene.kind(), SceneAttributes.decode(example.getAttributes()).kind());
    assertEquals(
        scene.objects().get(0).colour().word(), example.getAttributes().get("object.0.colour"));
  }

  @Test
  void isReproducibleByteForByte() {
    SyntheticSpec spec = SyntheticSpec.parse("3,seed=1,size=32", 0);
    RawExample first = new SyntheticExampleGenerator(spec, HELD_OUT).generate(2);
    RawExample second = new SyntheticExampleGenerator(spec, HELD_OUT).generate(2);
    assertEquals(first, second);
  }

  @Test
  void rejectsAnIndexOutsideTheSpec() {
    SyntheticExampleGenerator generator =
        new SyntheticExampleGenerator(SyntheticSpec.parse("3", 0), HELD_OUT);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> generator.generate(3));
    assertEquals("scene index must be in [0, 3), got 3", e.getMessage());
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}

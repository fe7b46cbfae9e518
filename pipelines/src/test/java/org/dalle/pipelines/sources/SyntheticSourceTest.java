package org.dalle.pipelines.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.dalle.pipelines.synthetic.Colour;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Shape;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.testing.TestPipelineExtension;
import org.dalle.schemas.RawExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SyntheticSourceTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();

  private static final SourceConfig CONFIG = SourceConfig.builder().seed(99).build();

  @Test
  void readsFiveLiteralScenes() {
    PCollectionTuple read =
        beam.pipeline().apply(SyntheticSource.fromSpec("5,seed=1,size=32", CONFIG));
    PCollection<RawExample> examples = read.get(ImageSource.EXAMPLES);
    PAssert.thatSingleton(examples.apply(Count.globally())).isEqualTo(5L);
    PAssert.that(
            examples.apply(
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via((RawExample e) -> KV.of(e.getSourceKey(), e.getCaption()))))
        .containsInAnyOrder(
            KV.of("synthetic/train/1/0", "a picture of one large purple circle"),
            KV.of("synthetic/train/1/1", "a large green circle"),
            KV.of("synthetic/train/1/2", "a white circle in the top right corner"),
            KV.of("synthetic/train/1/3", "there is one purple diamond"),
            KV.of("synthetic/train/1/4", "a small pink triangle below a large yellow cross"));
    PAssert.that(examples)
        .satisfies(
            all -> {
              for (RawExample e : all) {
                assertEquals("synthetic", e.getSource());
                assertEquals("train", e.getAttributes().get("split"));
                assertTrue(e.getImageBytes().remaining() > 0, e.getSourceKey());
                if (e.getSourceKey().endsWith("/4")) {
                  assertEquals("relation", e.getAttributes().get("kind"));
                  assertEquals("below", e.getAttributes().get("relation"));
                  assertEquals("pink", e.getAttributes().get("object.0.colour"));
                  assertEquals("cross", e.getAttributes().get("object.1.shape"));
                }
              }
              return null;
            });
    PAssert.that(read.get(ImageSource.REJECTED)).empty();
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void coversEveryIndexAcrossShardsExactlyOnce() {
    int n = 2 * SyntheticSource.SHARD_SIZE + 37;
    PCollection<String> keys =
        beam.pipeline()
            .apply(SyntheticSource.fromSpec(n + ",size=16,split=heldout", CONFIG))
            .get(ImageSource.EXAMPLES)
            .apply(MapElements.into(TypeDescriptors.strings()).via(RawExample::getSourceKey));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add("synthetic/heldout/99/" + i);
    }
    PAssert.that(keys).containsInAnyOrder(expected);
    beam.pipeline().run().waitUntilFinish();
  }

  @Test
  void takesTheSeedAndHeldOutPairsFromTheConfig() {
    SyntheticSource source =
        SyntheticSource.fromSpec(
            "10,split=heldout",
            CONFIG.toBuilder().heldOutPairs(List.of("pink circle", "White Cross")).build());
    assertEquals("synthetic", source.kind());
    assertEquals(99, source.spec().seed());
    assertEquals(SyntheticSplit.HELDOUT, source.spec().split());
    assertEquals(
        Set.of(
            new ColourShape(Colour.PINK, Shape.CIRCLE), new ColourShape(Colour.WHITE, Shape.CROSS)),
        Set.copyOf(source.heldOutPairs()));
    assertEquals(6, SyntheticSource.fromSpec("10", CONFIG).heldOutPairs().size());
  }

  @Test
  void rejectsBadSpecsAndBadHeldOutPairs() {
    IllegalArgumentException spec =
        assertThrows(
            IllegalArgumentException.class, () -> SyntheticSource.fromSpec("5,size=8", CONFIG));
    assertTrue(spec.getMessage().contains("size must be between 16"), spec.getMessage());
    assertTrue(spec.getMessage().contains("expected N[,seed=S]"), spec.getMessage());
    IllegalArgumentException pair =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SyntheticSource.fromSpec(
                    "5", CONFIG.toBuilder().heldOutPairs(List.of("blue hexagon")).build()));
    assertTrue(pair.getMessage().contains("'hexagon'"), pair.getMessage());
  }

  @Test
  void heldOutReadsAlwaysContainAHeldOutObject() {
    PCollection<RawExample> examples =
        beam.pipeline()
            .apply(SyntheticSource.fromSpec("40,seed=3,size=16,split=heldout", CONFIG))
            .get(ImageSource.EXAMPLES);
    PAssert.that(examples)
        .satisfies(
            all -> {
              assertEquals(40, StreamSupport.stream(all.spliterator(), false).count());
              for (RawExample e : all) {
                boolean any = false;
                for (int i = 0; i < Integer.parseInt(e.getAttributes().get("count")); i++) {
                  any |= "true".equals(e.getAttributes().get("object." + i + ".heldout"));
                }
                assertTrue(any, e.getSourceKey() + " " + e.getAttributes());
              }
              return null;
            });
    beam.pipeline().run().waitUntilFinish();
  }
}

package org.dalle.pipelines.testing;

import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestPipelineExtensionTest {
  @RegisterExtension final TestPipelineExtension beam = new TestPipelineExtension();

  @Test
  void runsAPipelineWithPAssert() {
    PCollection<Integer> lengths =
        beam.pipeline()
            .apply(Create.of("a", "bb", "ccc"))
            .apply(MapElements.into(TypeDescriptors.integers()).via(String::length));
    PAssert.that(lengths).containsInAnyOrder(1, 2, 3);
    beam.pipeline().run().waitUntilFinish();
  }
}

package org.dalle.pipelines.prepare;

import java.util.List;
import org.apache.beam.sdk.extensions.avro.coders.AvroCoder;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.dalle.pipelines.sources.ImageSource;
import org.dalle.pipelines.sources.SourceConfig;
import org.dalle.pipelines.sources.SourceSpec;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/** Reads several sources and flattens their examples and their rejections. */
final class ReadSources extends PTransform<PBegin, PCollectionTuple> {
  private final List<String> specs;
  private final SourceConfig config;

  ReadSources(List<String> specs, SourceConfig config) {
    this.specs = List.copyOf(specs);
    this.config = config;
    // Parse now so a bad spec fails before the pipeline is built, not on a worker.
    specs.forEach(spec -> SourceSpec.parse(spec, config));
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionList<RawExample> examples = PCollectionList.empty(begin.getPipeline());
    PCollectionList<Rejected> rejected = PCollectionList.empty(begin.getPipeline());
    for (int i = 0; i < specs.size(); i++) {
      String spec = specs.get(i);
      PCollectionTuple read = begin.apply("Read " + i + " " + spec, SourceSpec.parse(spec, config));
      examples = examples.and(read.get(ImageSource.EXAMPLES));
      rejected = rejected.and(read.get(ImageSource.REJECTED));
    }
    PCollection<RawExample> allExamples =
        examples
            .apply("FlattenExamples", Flatten.pCollections())
            .setCoder(AvroCoder.of(RawExample.class));
    PCollection<Rejected> allRejected =
        rejected
            .apply("FlattenRejected", Flatten.pCollections())
            .setCoder(AvroCoder.of(Rejected.class));
    return PCollectionTuple.of(ImageSource.EXAMPLES, allExamples)
        .and(ImageSource.REJECTED, allRejected);
  }
}

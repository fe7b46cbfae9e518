package org.dalle.pipelines.sources;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Redistributes a source's work units (files, rows, shards) across workers in {@link
 * SourceConfig#shuffleBuckets()} buckets. A bounded bucket count keeps each bundle large: Beam's
 * Direct runner pays a fixed cost per bundle and per transform, and a reshuffle to one key per
 * element made the prepare job spend most of its time on that bookkeeping. At scale the bucket
 * count bounds the parallelism, so set it to a few times the number of worker threads.
 */
final class SpreadWork {
  private SpreadWork() {}

  /** A reshuffle into {@code buckets} random keys; 0 means one key per element. */
  static <T> Reshuffle.ViaRandomKey<T> across(int buckets) {
    Reshuffle.ViaRandomKey<T> reshuffle = Reshuffle.viaRandomKey();
    return buckets > 0 ? reshuffle.withNumBuckets(buckets) : reshuffle;
  }

  /** Matches {@code filepattern} (which must match something) and spreads the matches. */
  static PTransform<PBegin, PCollection<MatchResult.Metadata>> matchFiles(
      String filepattern, int buckets) {
    return new PTransform<>() {
      @Override
      public PCollection<MatchResult.Metadata> expand(PBegin begin) {
        PCollection<MatchResult.Metadata> matches =
            begin
                .apply("Pattern", Create.of(filepattern))
                .apply(
                    "Match",
                    FileIO.matchAll()
                        .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW)
                        .withOutputParallelization(false));
        Coder<MatchResult.Metadata> coder = matches.getCoder();
        return matches
            .apply("Spread", SpreadWork.<MatchResult.Metadata>across(buckets))
            .setCoder(coder);
      }
    };
  }
}

package org.dalle.pipelines.sources;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.Compression;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
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

  /**
   * Matches {@code filepattern} (which must match something), keeps the image files among the
   * matches, spreads them across {@code buckets} and opens them.
   */
  static PTransform<PBegin, PCollection<FileIO.ReadableFile>> openImages(
      String filepattern, int buckets) {
    return new PTransform<>() {
      @Override
      public PCollection<FileIO.ReadableFile> expand(PBegin begin) {
        PCollection<MatchResult.Metadata> images =
            begin
                .apply("Pattern", Create.of(filepattern))
                .apply(
                    "Match",
                    FileIO.matchAll()
                        .withEmptyMatchTreatment(EmptyMatchTreatment.DISALLOW)
                        .withOutputParallelization(false))
                .apply(
                    "KeepImages",
                    Filter.by(
                        (MatchResult.Metadata file) ->
                            ImageFileNames.isImage(file.resourceId().getFilename())));
        Coder<MatchResult.Metadata> coder = images.getCoder();
        return images
            .apply("Spread", SpreadWork.<MatchResult.Metadata>across(buckets))
            .setCoder(coder)
            .apply("Open", FileIO.readMatches().withCompression(Compression.UNCOMPRESSED));
      }
    };
  }
}

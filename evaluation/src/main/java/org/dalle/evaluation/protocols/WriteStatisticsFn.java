package org.dalle.evaluation.protocols;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.dalle.evaluation.numpy.NpzStatistics;

/**
 * Writes one radius's feature statistics as {@code stats_r<radius>.npz} (mu, sigma in float64, as
 * pytorch-fid) into the job's staging directory, and emits count lines {@code radius/<r>/images}
 * and {@code radius/<r>/dimension}. With fewer than 2 images no covariance exists and no file is
 * written; the job then fails naming the radius.
 */
final class WriteStatisticsFn extends DoFn<KV<String, FeatureMoments>, String> {
  private final String directory;

  WriteStatisticsFn(String directory) {
    this.directory = directory;
  }

  @ProcessElement
  public void process(@Element KV<String, FeatureMoments> radius, OutputReceiver<String> out)
      throws IOException {
    String label = radius.getKey();
    FeatureMoments moments = radius.getValue();
    if (moments.count() >= 2) {
      String path = directory + "/" + BlurRadii.statisticsFile(label);
      try (OutputStream file =
          Channels.newOutputStream(
              FileSystems.create(
                  FileSystems.matchNewResource(path, false), "application/octet-stream"))) {
        NpzStatistics.write(file, moments.toStatistics());
      }
    }
    out.output("radius/" + label + "/images\t" + moments.count());
    out.output("radius/" + label + "/dimension\t" + moments.dimension());
  }
}

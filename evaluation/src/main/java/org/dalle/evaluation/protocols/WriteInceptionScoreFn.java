package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.evaluation.metrics.InceptionScore;

/**
 * Computes one radius's Inception Score from the logits of all its images and writes {@code
 * is_r<radius>.json}: {@code {"radius", "images", "splits", "mean", "std"}}. The logits are sorted
 * by image key first (ties by value), so the split into parts, and the score, are the same whatever
 * order the runner delivers them in. With fewer images than splits no score exists: the file then
 * says so in {@code "skipped"}, with null mean and std.
 */
final class WriteInceptionScoreFn extends DoFn<KV<String, Iterable<KV<String, double[]>>>, String> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Comparator<KV<String, double[]>> BY_KEY =
      Comparator.comparing((KV<String, double[]> kv) -> kv.getKey())
          .thenComparing(KV::getValue, Arrays::compare);

  private final String directory;
  private final int splits;

  WriteInceptionScoreFn(String directory, int splits) {
    this.directory = directory;
    this.splits = splits;
  }

  @ProcessElement
  public void process(
      @Element KV<String, Iterable<KV<String, double[]>>> radius, OutputReceiver<String> out)
      throws IOException {
    String label = radius.getKey();
    List<KV<String, double[]>> rows = new ArrayList<>();
    radius.getValue().forEach(rows::add);
    rows.sort(BY_KEY);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("radius", Double.parseDouble(label));
    result.put("images", rows.size());
    result.put("splits", splits);
    if (rows.size() < splits) {
      result.put("mean", null);
      result.put("std", null);
      result.put(
          "skipped",
          "the Inception Score over "
              + splits
              + " splits needs at least that many images, got "
              + rows.size());
    } else {
      InceptionScore.Result score = InceptionScore.of(matrix(rows), splits);
      result.put("mean", score.mean());
      result.put("std", score.std());
    }
    String path = directory + "/" + BlurRadii.inceptionScoreFile(label);
    try (OutputStream file =
        Channels.newOutputStream(
            FileSystems.create(FileSystems.matchNewResource(path, false), "application/json"))) {
      file.write(
          (JSON.writeValueAsString(result) + "\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    out.output("radius/" + label + "/is_images\t" + rows.size());
  }

  private static FeatureMatrix matrix(List<KV<String, double[]>> rows) {
    int k = rows.get(0).getValue().length;
    double[] values = new double[rows.size() * k];
    for (int i = 0; i < rows.size(); i++) {
      double[] row = rows.get(i).getValue();
      if (row.length != k) {
        throw new IllegalStateException(
            "image " + rows.get(i).getKey() + " has " + row.length + " logits, others " + k);
      }
      System.arraycopy(row, 0, values, i * k, k);
    }
    return new FeatureMatrix(rows.size(), k, values);
  }
}

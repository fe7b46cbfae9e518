package org.dalle.jobs.evaluate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.dalle.evaluation.compositional.SampleSet;
import org.dalle.schemas.Sample;

/**
 * Turns the sampling job's {@code Sample} records into the sample-set folders the evaluation reads
 * (section 2.6 of the paper compares reranked and unreranked samples):
 *
 * <ul>
 *   <li>{@code top1_reranked/<caption id>.png}: the image ranked first by the reranker, when the
 *       samples were reranked;
 *   <li>{@code unreranked/<caption id>.png}: candidate 0, the first draw, which is an unbiased
 *       sample of the model whatever the reranker thought of it (present when the job kept it).
 * </ul>
 */
final class SampleSets {

  /** What was written: images per set label, and the candidates drawn per caption. */
  record Written(Map<String, Integer> images, int captions, int candidates, boolean reranked) {}

  private SampleSets() {}

  /** The Avro files of a sampling output: {@code samples.avro} or {@code samples/*.avro}. */
  static List<Path> avroFiles(Path samples) throws IOException {
    Path single = samples.resolve("samples.avro");
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    Path sharded = samples.resolve("samples");
    if (Files.isDirectory(sharded)) {
      try (Stream<Path> files = Files.list(sharded)) {
        List<Path> avro =
            files.filter(p -> p.getFileName().toString().endsWith(".avro")).sorted().toList();
        if (!avro.isEmpty()) {
          return avro;
        }
      }
    }
    throw new IllegalArgumentException(
        samples
            + " holds no samples.avro and no samples/*.avro; expected the output directory of"
            + " dalle sample");
  }

  /** Reads every record and writes the set folders under {@code out}. */
  static Written write(Path samples, Path out) throws IOException {
    Map<String, Sample> top = new LinkedHashMap<>();
    Map<String, Sample> first = new LinkedHashMap<>();
    List<String> captions = new ArrayList<>();
    boolean reranked = false;
    int candidates = 0;
    for (Path file : avroFiles(samples)) {
      try (DataFileReader<Sample> reader =
          new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Sample.class))) {
        for (Sample sample : reader) {
          String id = sample.getCaptionId().toString();
          if (!captions.contains(id)) {
            captions.add(id);
          }
          candidates = Math.max(candidates, sample.getCandidates());
          if (sample.getScore() != null) {
            reranked = true;
            if (sample.getRank() == 0) {
              top.put(id, sample);
            }
          }
          if (sample.getCandidate() == 0) {
            first.put(id, sample);
          }
        }
      }
    }
    if (captions.isEmpty()) {
      throw new IllegalArgumentException(samples + " holds no Sample records");
    }
    Map<String, Integer> images = new LinkedHashMap<>();
    if (reranked) {
      images.put(SampleSet.TOP1_RERANKED, writeSet(top, out.resolve(SampleSet.TOP1_RERANKED)));
    }
    if (!first.isEmpty()) {
      images.put(SampleSet.UNRERANKED, writeSet(first, out.resolve(SampleSet.UNRERANKED)));
    }
    return new Written(images, captions.size(), candidates, reranked);
  }

  private static int writeSet(Map<String, Sample> samples, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (Map.Entry<String, Sample> entry : samples.entrySet()) {
      ByteBuffer png = entry.getValue().getImagePng().duplicate();
      byte[] bytes = new byte[png.remaining()];
      png.get(bytes);
      Files.write(dir.resolve(entry.getKey() + ".png"), bytes);
    }
    return samples.size();
  }
}

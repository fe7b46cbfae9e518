package org.dalle.jobs.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.jobs.train.ImageGrid;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.Sample;

/**
 * The output directory of {@code dalle sample}, filled in a staging directory beside it and renamed
 * into place when complete, so a reader sees all of it or none:
 *
 * <pre>
 *   out/
 *     samples.avro             Sample records: captions in input order, each one's kept images
 *                              best first
 *     images/ID/0.png          the best kept image of the caption with id ID, then 1.png, …
 *     grids/c000.png           the kept images of caption 0 in one row, best first, labelled
 *     grids/c000.json          the same row: caption id, caption, and per rank candidate, score, seed
 *     grids/all.png            the rows of the first 32 captions in one picture, caption beside each
 *     run.json                 settings, seed, model paths, reranker, versions, counts
 * </pre>
 */
final class SampleOutput {

  static final String SAMPLES = "samples.avro";
  static final String MANIFEST = "run.json";

  /** Grid cells are upscaled to at least this many pixels on a side. */
  private static final int MIN_CELL = 96;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** Captions shown in {@code grids/all.png}. */
  static final int OVERVIEW_ROWS = 32;

  private final ImageGrid overview = new ImageGrid();
  private int overviewRows;
  private int overviewScale = 1;
  private final Path target;
  private final Path staging;
  private final DataFileWriter<Sample> samples;
  private int written;

  private SampleOutput(Path target, Path staging) throws IOException {
    this.target = target;
    this.staging = staging;
    Files.createDirectories(staging.resolve("images"));
    Files.createDirectories(staging.resolve("grids"));
    samples = new DataFileWriter<>(new SpecificDatumWriter<>(Sample.class));
    samples.create(Sample.getClassSchema(), staging.resolve(SAMPLES).toFile());
  }

  /** Starts a staging directory beside {@code target}. */
  static SampleOutput begin(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
    return new SampleOutput(target, staging);
  }

  /** Images written so far. */
  int written() {
    return written;
  }

  /** Adds the kept samples of caption number {@code index}, best first. */
  void add(int index, SampleCaption caption, List<Sample> kept) throws IOException {
    Path folder = staging.resolve("images").resolve(safeName(caption.id()));
    if (Files.exists(folder)) {
      throw new IllegalArgumentException(
          "caption id "
              + caption.id()
              + " names the same image folder as an earlier id ("
              + folder.getFileName()
              + "); expected ids that differ in letters, digits, '.', '-' or '_'");
    }
    Files.createDirectories(folder);
    String digits = "%0" + Integer.toString(Math.max(1, kept.size() - 1)).length() + "d.png";
    List<BufferedImage> images = new ArrayList<>();
    ObjectNode sidecar = JSON.createObjectNode();
    sidecar.put("caption_id", caption.id());
    sidecar.put("caption", caption.caption());
    ArrayNode ranks = sidecar.putArray("ranks");
    for (Sample sample : kept) {
      samples.append(sample);
      byte[] png = bytesOf(sample.getImagePng());
      Files.write(folder.resolve(String.format(Locale.ROOT, digits, sample.getRank())), png);
      images.add(PngCodec.decode(png));
      ObjectNode rank = ranks.addObject();
      rank.put("rank", sample.getRank());
      rank.put("candidate", sample.getCandidate());
      if (sample.getScore() == null) {
        rank.putNull("score");
      } else {
        rank.put("score", sample.getScore());
      }
      rank.put("candidate_seed", sample.getCandidateSeed());
      written++;
    }
    int size = images.get(0).getWidth();
    int scale = Math.max(1, (MIN_CELL + size - 1) / size);
    new ImageGrid()
        .addRow(label(caption.caption()), images)
        .optScale(scale)
        .writePng(staging.resolve(gridName(index) + ".png"));
    if (overviewRows < OVERVIEW_ROWS) {
      overview.addRow(label(caption.caption()), images);
      overviewScale = Math.max(overviewScale, scale);
      overviewRows++;
    }
    Files.writeString(staging.resolve(gridName(index) + ".json"), JSON.writeValueAsString(sidecar));
  }

  /** Writes the manifest and moves the staging directory into place. */
  void commit(Map<String, Object> manifest, boolean overwrite) throws IOException {
    samples.close();
    if (overviewRows > 0) {
      overview.optScale(overviewScale).writePng(staging.resolve("grids/all.png"));
    }
    Files.writeString(staging.resolve(MANIFEST), JSON.writeValueAsString(manifest) + "\n");
    Path old = null;
    if (Files.exists(target)) {
      if (!overwrite) {
        throw new IllegalStateException(target + " appeared while sampling; not replacing it");
      }
      old = Files.createTempDirectory(staging.getParent(), target.getFileName() + ".old-");
      Files.delete(old);
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      deleteTree(old);
    }
  }

  /** Deletes the staging directory after a failure; the target is left as it was. */
  void abort() throws IOException {
    samples.close();
    if (Files.exists(staging)) {
      deleteTree(staging);
    }
  }

  static String gridName(int caption) {
    return String.format(Locale.ROOT, "grids/c%03d", caption);
  }

  /** A caption id as a file name: characters other than letters, digits, '-', '_', '.' become _. */
  static String safeName(String id) {
    String name = id.replaceAll("[^A-Za-z0-9._-]", "_");
    return name.startsWith(".") ? "_" + name.substring(1) : name;
  }

  /** The row label: the caption, shortened so the grid stays readable. */
  private static String label(String caption) {
    return caption.length() <= 48 ? caption : caption.substring(0, 45) + "...";
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

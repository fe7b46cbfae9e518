package org.dalle.pipelines.prepare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.dalle.schemas.CaptionedImage;

/**
 * The output folder of {@code dalle prepare}, the one place that knows its layout: {@code
 * images/*.avro} ({@link CaptionedImage} records), {@code tokenizer.json}, {@code run.json} and
 * {@code summary.json}, written last, so its presence marks a complete output. It is read through
 * Beam's {@link FileSystems}, so every stage reads {@code gs://} and other registered schemes the
 * way it reads a local folder.
 */
public final class PreparedData {

  /** The folder of the Avro shards of the prepared images. */
  public static final String IMAGES = "images";

  /** The BPE tokenizer learned from the captions. */
  public static final String TOKENIZER = "tokenizer.json";

  /** The prepare run's resolved config and versions. */
  public static final String RUN = "run.json";

  /** The summary, written last. */
  public static final String SUMMARY = PreparePipeline.MARKER;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String location;
  private final long written;
  private final List<ResourceId> shards;

  private PreparedData(String location, long written, List<ResourceId> shards) {
    this.location = location;
    this.written = written;
    this.shards = shards;
  }

  /**
   * Opens a complete prepare output.
   *
   * @param location a local folder or a URL such as {@code gs://bucket/runs/x/data}
   * @throws IllegalArgumentException when {@code summary.json} cannot be read, is not the summary
   *     of a prepare run, or there are no image shards; the message names the folder and says to
   *     run {@code dalle prepare} first
   */
  public static PreparedData open(String location) {
    String root = stripSlash(location);
    String summaryPath = root + "/" + SUMMARY;
    JsonNode summary;
    try {
      summary = JSON.readTree(readText(summaryPath));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          location
              + " is not a complete prepare output: "
              + summaryPath
              + " cannot be read ("
              + e.getMessage()
              + "); run dalle prepare --out "
              + location
              + " first",
          e);
    }
    if (summary == null || !summary.path("written").canConvertToLong()) {
      throw new IllegalArgumentException(
          location
              + " is not a complete prepare output: "
              + summaryPath
              + " has no whole-number 'written' count; expected the summary.json that dalle"
              + " prepare writes last");
    }
    String pattern = imagesPattern(root);
    List<ResourceId> shards = new ArrayList<>();
    try {
      MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW_IF_WILDCARD);
      match.metadata().forEach(file -> shards.add(file.resourceId()));
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + pattern, e);
    }
    if (shards.isEmpty()) {
      throw new IllegalArgumentException(
          location
              + " has no image files matching "
              + pattern
              + "; expected the output of"
              + " dalle prepare");
    }
    shards.sort(Comparator.comparing(ResourceId::toString));
    return new PreparedData(root, summary.path("written").asLong(), List.copyOf(shards));
  }

  /** The glob of the image shards under a prepare output, for Beam sources. */
  public static String imagesPattern(String location) {
    return stripSlash(location) + "/" + IMAGES + "/*.avro";
  }

  /**
   * Where the {@code run.json} of a prepare output is, for readers that need only the run's config;
   * folders made by other tools may lack it.
   */
  public static String runJsonPath(String location) {
    return stripSlash(location) + "/" + RUN;
  }

  /** The folder, without a trailing slash. */
  public String location() {
    return location;
  }

  /** The glob of the image shards, for Beam sources. */
  public String imagesPattern() {
    return imagesPattern(location);
  }

  /** The images the prepare run wrote, from {@code summary.json}. */
  public long writtenImages() {
    return written;
  }

  /** Where the tokenizer is. */
  public String tokenizerPath() {
    return location + "/" + TOKENIZER;
  }

  /**
   * The tokenizer's JSON.
   *
   * @throws IllegalArgumentException when the folder has no tokenizer
   */
  public String tokenizerJson() throws IOException {
    try {
      return readText(tokenizerPath());
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException(
          tokenizerPath()
              + " does not exist; expected the tokenizer.json of dalle prepare in "
              + location,
          e);
    }
  }

  /**
   * Every record, ordered by record id: a runner names and fills shards differently on every run,
   * and the order fixes which examples each step sees, so a re-prepared dataset trains alike. A
   * later record with an id seen before replaces the earlier one.
   *
   * @throws IllegalArgumentException when the shards hold no records
   */
  public List<CaptionedImage> records() throws IOException {
    Map<String, CaptionedImage> byId = new TreeMap<>();
    for (ResourceId shard : shards) {
      try (InputStream in = Channels.newInputStream(FileSystems.open(shard));
          DataFileStream<CaptionedImage> reader =
              new DataFileStream<>(in, new SpecificDatumReader<>(CaptionedImage.class))) {
        while (reader.hasNext()) {
          CaptionedImage record = reader.next();
          byId.put(record.getId(), record);
        }
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException(
          "no images in " + imagesPattern() + "; expected the output of dalle prepare");
    }
    return new ArrayList<>(byId.values());
  }

  /** A file as text, through {@link FileSystems}. */
  public static String readText(String path) throws IOException {
    MatchResult.Metadata file = FileSystems.matchSingleFileSpec(path);
    try (InputStream in = Channels.newInputStream(FileSystems.open(file.resourceId()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}

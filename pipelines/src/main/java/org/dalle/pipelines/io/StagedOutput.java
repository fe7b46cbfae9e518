package org.dalle.pipelines.io;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.extensions.avro.io.AvroIO;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.values.PCollection;

/**
 * An output directory that appears complete or not at all. A job writes into a fresh staging
 * directory inside it; {@link #commit} moves every staged file into place and writes the completion
 * marker last (through a temporary name and a rename). A directory without its marker is
 * incomplete, whatever else it holds. Works on every Beam file system (local, gs://, ...).
 *
 * <p>It is serializable (three paths), so the pipeline's own last step can commit it ({@link
 * CommitStagedOutput}): the output is then complete when the job is, whoever launched it.
 */
public final class StagedOutput implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String out;
  private final String staging;
  private final String marker;

  private StagedOutput(String out, String marker) {
    // Local paths are made absolute so they compare equal to the paths file-system matches return.
    this.out =
        out.contains("://")
            ? stripSlash(out)
            : Paths.get(out).toAbsolutePath().normalize().toString();
    this.marker = marker;
    this.staging = this.out + "/.staging-" + UUID.randomUUID();
  }

  /**
   * Starts a staged write into {@code out}, whose completion is marked by the file {@code marker}.
   * Fails if a complete output is already there, unless {@code overwrite}: then the marker is
   * removed first, so a crash from here on leaves an output that reads as incomplete.
   *
   * @param previousOutputs paths (relative to {@code out}, files or directories) that a previous
   *     run wrote and that are removed on overwrite
   */
  public static StagedOutput begin(
      String out, String marker, boolean overwrite, List<String> previousOutputs) {
    StagedOutput output = new StagedOutput(out, marker);
    if (output.exists(marker)) {
      if (!overwrite) {
        throw new IllegalStateException(
            "output "
                + out
                + " is already complete ("
                + marker
                + " exists); pass --overwrite to replace it or choose another --out");
      }
      output.delete(List.of(output.resolve(marker)));
      for (String previous : previousOutputs) {
        output.delete(output.matchAll(output.out + "/" + previous));
      }
    }
    return output;
  }

  /** The staging path for a file or prefix relative to the output directory. */
  public String stagingPath(String relative) {
    return staging + "/" + relative;
  }

  /**
   * Writes {@code records} as Avro files {@code prefix-*.avro} under the staging folder and returns
   * the names of the written files, for {@link CommitStagedOutput} to wait on.
   */
  public <T> PCollection<?> writeAvro(
      String step, PCollection<T> records, Class<T> type, String prefix) {
    return records
        .apply(
            step,
            AvroIO.write(type)
                .to(stagingPath(prefix))
                .withSuffix(".avro")
                .<Void>withOutputFilenames())
        .getPerDestinationOutputFilenames();
  }

  public String finalPath(String relative) {
    return out + "/" + relative;
  }

  /** Where the completion marker is once committed. */
  public String markerPath() {
    return finalPath(marker);
  }

  public boolean isComplete() {
    return exists(marker);
  }

  /**
   * Moves every staged file into place, then writes {@code markerContent} as the marker. Running it
   * again after a crash part-way finishes the job: what was moved is not staged any more, what is
   * left moves, and the marker is written again.
   */
  public void commit(String markerContent) {
    List<ResourceId> sources = matchAll(staging);
    List<ResourceId> destinations = new ArrayList<>();
    for (ResourceId source : sources) {
      String relative = source.toString().substring(staging.length() + 1);
      destinations.add(resolve(relative));
    }
    try {
      FileSystems.rename(
          sources, destinations, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not move staged outputs from " + staging + " to " + out, e);
    }
    deleteLocalDirectories(staging);
    writeString(marker + ".tmp", markerContent);
    try {
      FileSystems.rename(List.of(resolve(marker + ".tmp")), List.of(resolve(marker)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + finalPath(marker), e);
    }
  }

  /** Removes the staging directory after a failed run. */
  public void abort() {
    delete(matchAll(staging));
    deleteLocalDirectories(staging);
  }

  /** Writes a small text file directly into the staging directory. */
  public void writeStaged(String relative, String content) {
    write(FileSystems.matchNewResource(stagingPath(relative), false), content);
  }

  /** Reads a text file that the job wrote into the staging directory (all shards of a prefix). */
  public List<String> readStagedLines(String relativePrefix) {
    return readLines(stagingPath(relativePrefix));
  }

  /** Reads a text file of the committed output (all shards of a prefix). */
  public List<String> readCommittedLines(String relativePrefix) {
    return readLines(finalPath(relativePrefix));
  }

  private static List<String> readLines(String prefix) {
    List<String> lines = new ArrayList<>();
    for (ResourceId file : matchAll(prefix + "*")) {
      try (ReadableByteChannel channel = FileSystems.open(file)) {
        String text =
            new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        text.lines().forEach(lines::add);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + file, e);
      }
    }
    return lines;
  }

  private void writeString(String relative, String content) {
    write(resolve(relative), content);
  }

  private static void write(ResourceId file, String content) {
    try (WritableByteChannel channel = FileSystems.create(file, "text/plain")) {
      channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
  }

  private ResourceId resolve(String relative) {
    return FileSystems.matchNewResource(out, true)
        .resolve(relative, ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
  }

  private boolean exists(String relative) {
    return !matchAll(finalPath(relative)).isEmpty();
  }

  /** Every file at {@code path}, or under it when it is a directory. */
  private static List<ResourceId> matchAll(String path) {
    List<ResourceId> files = new ArrayList<>();
    for (String pattern : List.of(path, path + "/**")) {
      try {
        MatchResult match = FileSystems.match(pattern, EmptyMatchTreatment.ALLOW);
        for (MatchResult.Metadata metadata : match.metadata()) {
          if (!metadata.resourceId().isDirectory()) {
            files.add(metadata.resourceId());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not list " + pattern, e);
      }
    }
    return files;
  }

  private static void delete(List<ResourceId> files) {
    try {
      FileSystems.delete(files, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + files, e);
    }
  }

  /** Object stores have no directories; on a local disk the emptied tree is removed. */
  private static void deleteLocalDirectories(String path) {
    if (path.contains("://")) {
      return;
    }
    Path dir = Paths.get(path);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove " + dir, e);
    }
  }

  private static String stripSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}

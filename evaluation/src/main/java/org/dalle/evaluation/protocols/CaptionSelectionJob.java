package org.dalle.evaluation.protocols;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.dalle.evaluation.protocols.EvalCaptionsConfig.Protocol;
import org.dalle.pipelines.io.StagedOutput;
import org.dalle.pipelines.sources.CocoSource;
import org.dalle.pipelines.sources.CubSource;
import org.dalle.pipelines.sources.CubSplits;
import org.dalle.pipelines.sources.Utf8Text;

/**
 * The {@code dalle eval-captions} job: the captions an evaluation protocol samples for, and the
 * real images they are compared with (DALL·E paper, section 3.2). Writes under {@code out}, through
 * a staging directory ({@link StagedOutput}): {@code captions.jsonl} and {@code
 * reference_images.txt} ({@link EvaluationCaptionFile}); with an overlap list ({@link
 * EvaluationOverlap}) also {@code no_overlap/captions.jsonl} and {@code
 * no_overlap/reference_images.txt}, the same protocol without the images that overlap the training
 * data (the paper reports FID with and without them, for MS-COCO and for CUB); and {@code
 * selection.json} (settings and counts) last, marking the output complete.
 *
 * <p>The inputs are one JSON file (about 6 MB for MS-COCO validation) or about 12,000 small text
 * files (CUB), read in one process through Beam's file systems (local or {@code gs://}); the part
 * of the protocols that needs to scale out, feature extraction, is {@link
 * FeatureStatisticsPipeline}.
 */
public final class CaptionSelectionJob {
  public static final String MARKER = "selection.json";
  public static final String NO_OVERLAP = "no_overlap";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final List<String> OUTPUTS =
      List.of(EvaluationCaptionFile.CAPTIONS, EvaluationCaptionFile.REFERENCE_IMAGES, NO_OVERLAP);

  /**
   * What was written.
   *
   * @param captions captions in {@code captions.jsonl}
   * @param referenceImages lines of {@code reference_images.txt}
   * @param noOverlapCaptions captions in {@code no_overlap/captions.jsonl}, when written
   * @param overlapping images of the full selection that overlap training (MS-COCO: chosen images;
   *     CUB: test images)
   */
  public record Summary(
      String out,
      int captions,
      int referenceImages,
      OptionalInt noOverlapCaptions,
      long overlapping) {}

  private CaptionSelectionJob() {}

  /**
   * @param overwrite replace a complete output already in {@code config.out()}
   * @throws IllegalArgumentException for missing or malformed inputs, naming them
   */
  public static Summary run(EvalCaptionsConfig config, boolean overwrite) throws IOException {
    config.validate();
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    return config.protocol() == Protocol.COCO30K
        ? runCoco(config, overwrite)
        : runCub(config, overwrite);
  }

  private static Summary runCoco(EvalCaptionsConfig config, boolean overwrite) throws IOException {
    CocoCaptionPool pool;
    try (InputStream json = open(config.annotations(), "--annotations")) {
      pool = CocoCaptionPool.read(json, config.annotations());
    }
    String images = absolute(config.images());
    List<EvaluationCaption> full =
        CocoCaptionSelection.select(pool, config.seed(), config.count(), Set.of(), images);
    Optional<EvaluationOverlap> overlap = readOverlap(config.overlap(), CocoSource.KIND);
    List<EvaluationCaption> noOverlap =
        overlap.isEmpty()
            ? List.of()
            : CocoCaptionSelection.select(
                pool, config.seed(), config.count(), overlap.get().images(), images);
    long overlapping =
        full.stream()
            .filter(c -> overlap.isPresent() && overlap.get().images().contains(fileName(c)))
            .count();

    Map<String, Object> summary = settings(config);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("images", pool.imageCount());
    counts.put("annotations", pool.annotationCount());
    counts.put("annotations_of_unknown_images", pool.captionsOfUnknownImages());
    counts.put("captions", full.size());
    if (overlap.isPresent()) {
      putOverlapCounts(counts, overlap.get(), overlapping);
      counts.put("no_overlap_captions", noOverlap.size());
    }
    summary.put("counts", counts);

    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    try {
      writeSelection(output, "", full, full.stream().map(EvaluationCaption::image).toList());
      if (overlap.isPresent()) {
        writeSelection(
            output,
            NO_OVERLAP + "/",
            noOverlap,
            noOverlap.stream().map(EvaluationCaption::image).toList());
      }
      output.commit(toJson(summary));
    } catch (RuntimeException e) {
      output.abort();
      throw e;
    }
    return new Summary(
        output.finalPath(""),
        full.size(),
        full.size(),
        overlap.isPresent() ? OptionalInt.of(noOverlap.size()) : OptionalInt.empty(),
        overlapping);
  }

  /** The overlap list's images of one source kind ({@code coco} or {@code cub}). */
  private static Optional<EvaluationOverlap> readOverlap(Optional<String> path, String source)
      throws IOException {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = open(path.get(), "--overlap")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Optional.of(EvaluationOverlap.parse(Utf8Text.lines(text), source));
    }
  }

  private static void putOverlapCounts(
      Map<String, Object> counts, EvaluationOverlap overlap, long overlapping) {
    counts.put("overlap_images", overlap.images().size());
    counts.put("overlap_lines_of_other_sources", overlap.otherSourceLines());
    counts.put("overlapping_in_selection", overlapping);
  }

  private static Summary runCub(EvalCaptionsConfig config, boolean overwrite) throws IOException {
    String root = absolute(config.cubRoot());
    ResourceId rootDir = FileSystems.matchNewResource(root, true);
    String imagesTxt = readText(rootDir, CubSplits.IMAGES_FILE);
    String splitTxt = readText(rootDir, CubSplits.SPLIT_FILE);
    Map<String, String> splits = CubSplits.parse(imagesTxt, splitTxt);
    ResourceId textDir =
        rootDir.resolve("text", ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY);
    CubCaptionSelection.TestCaptions test =
        CubCaptionSelection.read(
            splits,
            relative ->
                readIfExists(
                    textDir.resolve(relative, ResolveOptions.StandardResolveOptions.RESOLVE_FILE)));
    String imagesDir =
        rootDir
            .resolve("images", ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY)
            .toString();
    CubCaptionSelection.Result result = CubCaptionSelection.select(test, Set.of(), imagesDir);
    if (result.captions().isEmpty()) {
      throw new IllegalArgumentException(
          root
              + "/text holds no captions for the "
              + result.testImages()
              + " test images; expected text/<class>/<name>.txt with the descriptions of Reed"
              + " et al. beside images/");
    }
    Optional<EvaluationOverlap> overlap = readOverlap(config.overlap(), CubSource.KIND);
    Optional<CubCaptionSelection.Result> noOverlap =
        overlap.map(o -> CubCaptionSelection.select(test, o.images(), imagesDir));
    long overlapping =
        overlap.isEmpty()
            ? 0
            : test.lines().keySet().stream().filter(overlap.get().images()::contains).count();

    Map<String, Object> summary = settings(config);
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("test_images", result.testImages());
    counts.put("test_images_without_text", result.imagesWithoutText());
    counts.put("caption_lines", result.lines());
    counts.put("duplicate_captions", result.duplicates());
    counts.put("captions", result.captions().size());
    if (overlap.isPresent()) {
      putOverlapCounts(counts, overlap.get(), overlapping);
      counts.put("no_overlap_test_images", noOverlap.get().testImages());
      counts.put("no_overlap_captions", noOverlap.get().captions().size());
    }
    summary.put("counts", counts);
    StagedOutput output = StagedOutput.begin(config.out(), MARKER, overwrite, OUTPUTS);
    try {
      writeSelection(output, "", result.captions(), result.referenceImages());
      if (noOverlap.isPresent()) {
        writeSelection(
            output,
            NO_OVERLAP + "/",
            noOverlap.get().captions(),
            noOverlap.get().referenceImages());
      }
      output.commit(toJson(summary));
    } catch (RuntimeException e) {
      output.abort();
      throw e;
    }
    return new Summary(
        output.finalPath(""),
        result.captions().size(),
        result.referenceImages().size(),
        noOverlap.isPresent()
            ? OptionalInt.of(noOverlap.get().captions().size())
            : OptionalInt.empty(),
        overlapping);
  }

  private static void writeSelection(
      StagedOutput output, String dir, List<EvaluationCaption> captions, List<String> references) {
    output.writeStaged(
        dir + EvaluationCaptionFile.CAPTIONS, EvaluationCaptionFile.toJsonLines(captions));
    output.writeStaged(
        dir + EvaluationCaptionFile.REFERENCE_IMAGES, String.join("\n", references) + "\n");
  }

  private static Map<String, Object> settings(EvalCaptionsConfig config) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("protocol", config.protocol().cliName());
    if (config.protocol() == Protocol.COCO30K) {
      summary.put("annotations", config.annotations());
      summary.put("images", absolute(config.images()));
      summary.put("overlap", config.overlap().orElse(null));
      summary.put("count", config.count());
      summary.put("seed", config.seed());
    } else {
      summary.put("cub_root", absolute(config.cubRoot()));
      summary.put("overlap", config.overlap().orElse(null));
    }
    return summary;
  }

  private static String fileName(EvaluationCaption caption) {
    return caption.id().substring(0, caption.id().lastIndexOf('#'));
  }

  private static InputStream open(String path, String flag) throws IOException {
    try {
      ResourceId file = FileSystems.matchSingleFileSpec(path).resourceId();
      return Channels.newInputStream(FileSystems.open(file));
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new IllegalArgumentException(flag + " " + path + " does not exist", e);
    }
  }

  private static String readText(ResourceId dir, String name) throws IOException {
    ResourceId file = dir.resolve(name, ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
    Optional<byte[]> bytes = readIfExists(file);
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException(
          file
              + " does not exist; the CUB protocol needs the official split (images.txt and"
              + " train_test_split.txt of CUB_200_2011)");
    }
    return Utf8Text.decode(bytes.get());
  }

  private static Optional<byte[]> readIfExists(ResourceId file) throws IOException {
    try (InputStream in = Channels.newInputStream(FileSystems.open(file))) {
      return Optional.of(in.readAllBytes());
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Local paths are made absolute so the reference lists work from any directory. */
  static String absolute(String path) {
    return path.contains("://") ? path : Paths.get(path).toAbsolutePath().normalize().toString();
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the selection summary", e);
    }
  }
}

package org.dalle.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.dalle.evaluation.compositional.SyntheticCaptions;
import org.dalle.evaluation.protocols.CaptionSelectionJob;
import org.dalle.evaluation.protocols.EvalCaptionsConfig;
import org.dalle.jobs.train.AtomicFiles;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dalle eval-captions}: the captions and reference images of an evaluation protocol. */
@Command(
    name = "eval-captions",
    mixinStandardHelpOptions = true,
    header =
        "The captions to sample for and the real images to compare with (MS-COCO-30k, CUB,"
            + " synthetic).",
    sortOptions = false,
    description = {
      "Writes the caption file of an evaluation protocol of the paper (section 3.2) and the list of its reference images, under --out: captions.jsonl (one {\"id\", \"caption\", \"image\"} object per line, for dalle sample --captions), reference_images.txt (one image path per line, for dalle eval-features --images list:FILE) and selection.json (settings and counts), written last.",
      "coco30k: --count images (default 30,000) of the validation annotations with at least one caption, chosen by a SHA-256 hash of (--seed, image id), and one caption each, chosen by a hash of (--seed, image id, annotation id); the choice does not depend on the order of the file, and the first k captions of a selection are the selection of k. With --overlap (the prepare stage's dedup/evaluation_overlap.txt), also no_overlap/captions.jsonl and no_overlap/reference_images.txt: the same choice with the images that overlap the training data removed (the paper reports FID with and without them).",
      "cub: every unique caption (white space collapsed) of the test images of the official split, in image order; every test image is a reference image. With --overlap (of a prepare run with --dedup-against cub:ROOT), also no_overlap/captions.jsonl and no_overlap/reference_images.txt: the same selection from the test images that do not overlap the training data (the paper reports CUB FID with and without them; about 12%% of CUB overlapped its training data).",
      "synthetic: captions of the embedded synthetic dataset with their scene facts, for the compositional benchmark and dalle rerank-curve: --count scenes of the held-out split (ids heldout-NNN: each holds a (colour, shape) pair training never showed) and --count new scenes of the training split (ids unseen-NNN, scene indices from --first-unseen-index on). Writes captions.jsonl ({\"id\", \"caption\", \"attributes\"} per line) and selection.json; the reference images are the prepared data itself.",
      ""
    })
public final class EvalCaptionsCommand implements Callable<Integer>, ConfiguredJob {
  @Spec CommandSpec spec;

  @Option(
      names = "--protocol",
      required = true,
      paramLabel = "NAME",
      description =
          "coco30k (MS-COCO validation captions), cub (CUB-200-2011 test captions) or synthetic"
              + " (scenes of the embedded dataset, with their facts).")
  String protocol;

  @Option(
      names = "--annotations",
      paramLabel = "JSON",
      description =
          "coco30k: the captions file, annotations/captions_val2014.json (local or gs://).")
  String annotations;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "coco30k: the directory of the validation images (val2014/); the reference list names"
              + " DIR/<file_name>.")
  String images;

  @Option(
      names = "--overlap",
      paramLabel = "FILE",
      description =
          "coco30k and cub: dedup/evaluation_overlap.txt of a dalle prepare run with"
              + " --dedup-against coco:…captions_val2014.json:…/val2014 or cub:…/CUB_200_2011"
              + " (one run may list both); adds the no_overlap/ variant without the overlapping"
              + " images.")
  String overlap;

  @Option(
      names = "--cub-root",
      paramLabel = "DIR",
      description =
          "cub: the CUB_200_2011 directory holding images/, text/ (the descriptions of Reed et"
              + " al.), images.txt and train_test_split.txt.")
  String cubRoot;

  @Option(
      names = "--count",
      paramLabel = "N",
      description =
          "coco30k: captions to choose, one per image. Default: 30000 (the paper). synthetic:"
              + " captions of each split. Default: 64.")
  Integer count;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "coco30k: seed of the image and caption choice. synthetic: the dataset's seed (source.seed"
              + " of the prepare config; configs/prepare/quickstart.yaml uses 1). Default:"
              + " ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--held-out-pairs",
      split = ",",
      paramLabel = "PAIR",
      description =
          "synthetic: the (colour, shape) pairs held out of training, as \"red triangle\", comma"
              + " separated (source.held_out_pairs of the prepare config). Default: the dataset's"
              + " default list.")
  List<String> heldOutPairs = new ArrayList<>();

  @Option(
      names = "--first-unseen-index",
      paramLabel = "N",
      defaultValue = "1000000",
      description =
          "synthetic: first scene index of the unseen training-split scenes; must be at least the"
              + " number of images the prepare run generated. Default: ${DEFAULT-VALUE}.")
  long firstUnseenIndex;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output directory (local or gs://).")
  String out;

  @Option(names = "--overwrite", description = "Replace a complete output already in --out.")
  boolean overwrite;

  EvalCaptionsConfig resolveConfig() {
    EvalCaptionsConfig.Protocol parsed = EvalCaptionsConfig.Protocol.parse(protocol);
    if (parsed == EvalCaptionsConfig.Protocol.CUB && count != null) {
      throw new IllegalArgumentException(
          "--count is for coco30k; cub keeps every unique test caption");
    }
    return new EvalCaptionsConfig(
            parsed,
            annotations,
            images,
            Optional.ofNullable(overlap),
            cubRoot,
            count == null ? EvalCaptionsConfig.PAPER_COCO_COUNT : count,
            seed,
            out)
        .validate();
  }

  /**
   * What {@code --protocol synthetic} writes, checked before any file is: the dataset's seed and
   * held-out pairs, the scenes per split, the first unseen scene index and the output folder.
   */
  record SyntheticSelection(
      long seed, Set<ColourShape> heldOutPairs, int perSplit, long firstUnseenIndex, Path out) {}

  SyntheticSelection resolveSynthetic() {
    for (String[] unused :
        new String[][] {
          {"--annotations", annotations},
          {"--images", images},
          {"--overlap", overlap},
          {"--cub-root", cubRoot}
        }) {
      if (unused[1] != null) {
        throw new IllegalArgumentException(unused[0] + " is not used by --protocol synthetic");
      }
    }
    if (out.startsWith("gs://")) {
      throw new IllegalArgumentException(
          "--protocol synthetic writes a local --out; the file is small, copy it to gs:// after");
    }
    int perSplit = count == null ? 64 : count;
    if (perSplit < 1) {
      throw new IllegalArgumentException("--count must be at least 1, got " + perSplit);
    }
    return new SyntheticSelection(
        seed,
        SyntheticVocabulary.resolveHeldOutPairs(heldOutPairs),
        perSplit,
        firstUnseenIndex,
        Path.of(out));
  }

  @Override
  public Object jobConfig() {
    return "synthetic".equals(protocol) ? resolveSynthetic() : resolveConfig();
  }

  @Override
  public Integer call() throws IOException {
    if ("synthetic".equals(protocol)) {
      return synthetic();
    }
    CaptionSelectionJob.Summary summary = CaptionSelectionJob.run(resolveConfig(), overwrite);
    var printer = spec.commandLine().getOut();
    printer.printf(
        "eval-captions: %d captions and %d reference images in %s (captions.jsonl,"
            + " reference_images.txt, selection.json)%n",
        summary.captions(), summary.referenceImages(), summary.out());
    if (summary.noOverlapCaptions().isPresent()) {
      printer.printf(
          "  without the %d selected images that overlap training: %d captions in %s/no_overlap%n",
          summary.overlapping(), summary.noOverlapCaptions().getAsInt(), summary.out());
    }
    printer.flush();
    return 0;
  }

  /** {@code --protocol synthetic}: held-out and unseen training-split scenes with their facts. */
  private int synthetic() throws IOException {
    SyntheticSelection selected = resolveSynthetic();
    int perSplit = selected.perSplit();
    Set<ColourShape> pairs = selected.heldOutPairs();
    Path dir = selected.out();
    Path captions = dir.resolve("captions.jsonl");
    Path selection = dir.resolve("selection.json");
    if (Files.exists(selection) && !overwrite) {
      throw new IllegalArgumentException(
          selection + " exists: the output is complete; pass --overwrite to replace it");
    }
    List<SyntheticCaptions.Line> lines =
        new ArrayList<>(SyntheticCaptions.heldOut(seed, pairs, perSplit));
    lines.addAll(SyntheticCaptions.unseenTrainScenes(seed, pairs, firstUnseenIndex, perSplit));
    Files.deleteIfExists(selection);
    SyntheticCaptions.write(lines, captions);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("protocol", "synthetic");
    summary.put("seed", seed);
    summary.put("held_out_pairs", pairs.stream().map(ColourShape::toString).toList());
    summary.put("held_out_scenes", perSplit);
    summary.put("unseen_train_scenes", perSplit);
    summary.put("first_unseen_index", firstUnseenIndex);
    summary.put("captions", lines.size());
    AtomicFiles.writeString(
        selection,
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
    var printer = spec.commandLine().getOut();
    printer.printf(
        "eval-captions: %d synthetic captions (%d held-out scenes, %d unseen training-split scenes)"
            + " in %s%n",
        lines.size(), perSplit, perSplit, captions);
    printer.flush();
    return 0;
  }
}

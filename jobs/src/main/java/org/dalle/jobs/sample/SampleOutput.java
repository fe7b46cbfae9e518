package org.dalle.jobs.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.dalle.jobs.train.ImageGrid;

/**
 * The output directory of {@code dalle sample}, filled in a staging directory beside it and renamed
 * into place when complete, so a reader sees all of it or none:
 *
 * <pre>
 *   out/
 *     images/c000-s000.png   sample 0 of caption 0, at the dVAE's resolution
 *     grids/c000.png         the samples of caption 0 in a row, upscaled, labelled
 *     samples.jsonl          one line per image: caption, indices, files, image tokens, seed
 * </pre>
 */
final class SampleOutput {

  static final String INDEX = "samples.jsonl";

  /** Grid cells are upscaled to at least this many pixels on a side. */
  private static final int MIN_CELL = 96;

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Path target;
  private final Path staging;
  private final SampleConfig config;
  private final int imageSize;
  private final List<List<BufferedImage>> byCaption = new ArrayList<>();
  private final BufferedWriter index;

  private SampleOutput(Path target, Path staging, SampleConfig config, int imageSize)
      throws IOException {
    this.target = target;
    this.staging = staging;
    this.config = config;
    this.imageSize = imageSize;
    for (int i = 0; i < config.captions().size(); i++) {
      byCaption.add(new ArrayList<>());
    }
    Files.createDirectories(staging.resolve("images"));
    Files.createDirectories(staging.resolve("grids"));
    index = Files.newBufferedWriter(staging.resolve(INDEX), StandardCharsets.UTF_8);
  }

  /** Starts a staging directory beside {@code target}. */
  static SampleOutput begin(Path target, SampleConfig config, int grid, int imageSize)
      throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path staging = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
    return new SampleOutput(target, staging, config, imageSize);
  }

  /** Adds sample {@code sample} of caption {@code caption}: its pixels {@code (3, S, S)}. */
  void add(int caption, int sample, float[] pixels, long[] codes) throws IOException {
    BufferedImage image = CaptionSampler.toImage(pixels, imageSize);
    String name = String.format(Locale.ROOT, "images/c%03d-s%03d.png", caption, sample);
    if (!ImageIO.write(image, "png", staging.resolve(name).toFile())) {
      throw new IOException("no PNG writer is available to write " + name);
    }
    byCaption.get(caption).add(image);
    ObjectNode line = JSON.createObjectNode();
    line.put("caption_index", caption);
    line.put("sample", sample);
    line.put("caption", config.captions().get(caption));
    line.put("image", name);
    line.put("grid", gridName(caption));
    line.put("seed", config.seed());
    line.put("temperature", config.sampling().temperature());
    line.put("top_k", config.sampling().topK());
    line.put("top_p", config.sampling().topP());
    if (config.prefixImage() != null) {
      line.put("prefix_image", config.prefixImage());
      line.put("keep_rows", config.keepRows());
    }
    var tokens = line.putArray("image_tokens");
    for (long code : codes) {
      tokens.add(code);
    }
    index.write(JSON.writeValueAsString(line));
    index.write('\n');
  }

  /** Writes the grids and moves the staging directory into place. */
  void commit(boolean overwrite) throws IOException {
    index.close();
    int scale = Math.max(1, (MIN_CELL + imageSize - 1) / imageSize);
    for (int c = 0; c < byCaption.size(); c++) {
      new ImageGrid()
          .addRow(label(config.captions().get(c)), byCaption.get(c))
          .optScale(scale)
          .writePng(staging.resolve(gridName(c)));
    }
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
    index.close();
    if (Files.exists(staging)) {
      deleteTree(staging);
    }
  }

  private static String gridName(int caption) {
    return String.format(Locale.ROOT, "grids/c%03d.png", caption);
  }

  /** The row label: the caption, shortened so the grid stays readable. */
  private static String label(String caption) {
    return caption.length() <= 48 ? caption : caption.substring(0, 45) + "...";
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

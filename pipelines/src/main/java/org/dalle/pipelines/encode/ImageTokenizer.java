package org.dalle.pipelines.encode;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.List;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.dalle.models.dvae.DiscreteVae;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.models.dvae.DvaeExport;

/**
 * A trained dVAE turned into a function from images to image tokens (section 2.2 of the paper: the
 * argmax of the encoder logits, no Gumbel noise). Owns the native memory of its model: close it.
 * Each batch's intermediates live in a sub-manager closed before {@link #tokens} returns, so memory
 * stays flat however many batches pass through.
 */
public final class ImageTokenizer implements AutoCloseable {
  private final NDManager manager;
  private final DiscreteVae model;

  private ImageTokenizer(NDManager manager, DiscreteVae model) {
    this.manager = manager;
    this.model = model;
  }

  /** Wraps {@code model}, whose weights live in {@code manager}; closing this closes it. */
  public static ImageTokenizer of(NDManager manager, DiscreteVae model) {
    return new ImageTokenizer(manager, model);
  }

  /**
   * Loads the export at {@code exportDir} on any Beam file system (register file systems first,
   * e.g. with {@code FileSystems.setDefaultPipelineOptions}).
   */
  public static ImageTokenizer load(String exportDir) throws IOException {
    System.setProperty("ai.djl.offline", "true");
    String dir = exportDir.endsWith("/") ? exportDir : exportDir + "/";
    DvaeConfig config;
    try (InputStream in = open(dir + DvaeExport.CONFIG_FILE)) {
      config = DvaeExport.readConfig(in, dir + DvaeExport.CONFIG_FILE);
    }
    NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
    try (InputStream in = open(dir + DvaeExport.PARAMS_FILE)) {
      DiscreteVae model =
          DvaeExport.readParameters(config, in, manager, dir + DvaeExport.PARAMS_FILE);
      return new ImageTokenizer(manager, model);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** Reads just the config of the export at {@code exportDir}, to check it before a job starts. */
  public static DvaeConfig readConfig(String exportDir) throws IOException {
    String path = (exportDir.endsWith("/") ? exportDir : exportDir + "/") + DvaeExport.CONFIG_FILE;
    try (InputStream in = open(path)) {
      return DvaeExport.readConfig(in, path);
    }
  }

  /**
   * Sets the PyTorch intra-op threads of this JVM, unless {@code threads} is 0. The setting is
   * global to the process, which is why the caller decides.
   */
  public static void setEngineThreads(int threads) {
    if (threads > 0) {
      Engine.getEngine("PyTorch");
      if (JniUtils.getNumThreads() != threads) {
        JniUtils.setNumThreads(threads);
      }
    }
  }

  public DvaeConfig config() {
    return model.config();
  }

  /**
   * The image tokens of each image, row-major ({@code gridSize²} codes in [0, vocabSize)).
   *
   * @param images {@code (3, S, S)} pixels in [0, 1] from {@link ImagePixels}, S the model's size
   */
  public int[][] tokens(List<float[]> images) {
    DvaeConfig config = model.config();
    int size = config.imageSize();
    int imageFloats = config.channels() * size * size;
    float[] batch = new float[images.size() * imageFloats];
    for (int i = 0; i < images.size(); i++) {
      float[] image = images.get(i);
      if (image.length != imageFloats) {
        throw new IllegalArgumentException(
            String.format(
                "image %d has %d values; expected %d (%d×%d×%d)",
                i, image.length, imageFloats, config.channels(), size, size));
      }
      System.arraycopy(image, 0, batch, i * imageFloats, imageFloats);
    }
    int perImage = config.tokensPerImage();
    int[][] tokens = new int[images.size()][];
    try (NDManager step = manager.newSubManager()) {
      NDArray pixels = step.create(batch, new Shape(images.size(), config.channels(), size, size));
      int[] codes = model.encode(pixels).toIntArray(); // (B, G, G) flattened row-major
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = java.util.Arrays.copyOfRange(codes, i * perImage, (i + 1) * perImage);
      }
    }
    return tokens;
  }

  @Override
  public void close() {
    manager.close();
  }

  private static InputStream open(String path) throws IOException {
    MatchResult.Metadata file;
    try {
      file = FileSystems.matchSingleFileSpec(path);
    } catch (IOException e) {
      throw new IOException(
          "dVAE export file "
              + path
              + " cannot be found; expected an export directory written by train-dvae, holding "
              + DvaeExport.CONFIG_FILE
              + " and "
              + DvaeExport.PARAMS_FILE,
          e);
    }
    return Channels.newInputStream(FileSystems.open(file.resourceId()));
  }
}

package org.dalle.pipelines.encode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.models.dvae.DvaeConfig;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.Rejected;
import org.dalle.schemas.TokenizedExample;
import org.joda.time.Instant;

/**
 * Encodes prepared images into dVAE image tokens in batches. Each instance loads the model once in
 * {@link Setup} and frees it in {@link Teardown}; images are buffered and encoded {@code batchSize}
 * at a time, and the remainder is encoded when the bundle finishes, so every record of a successful
 * bundle is output. A square image larger than the model's input is encoded through its centre
 * window, the one the dVAE job evaluates on when it trains on random crops; smaller or non-square
 * images, and unreadable PNGs, go to {@link #REJECTED}.
 */
final class EncodeImagesFn extends DoFn<CaptionedImage, TokenizedExample> {
  static final TupleTag<TokenizedExample> TOKENS = new TupleTag<TokenizedExample>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};
  static final String STAGE = "encode";

  private final String dvae;
  private final int batchSize;
  private final int threads;
  private transient ImageTokenizer tokenizer;
  private transient List<Pending> pending;

  /** One decoded image waiting for its batch, with where it came from in the pipeline. */
  private record Pending(
      CaptionedImage image, float[] pixels, Instant timestamp, BoundedWindow window) {}

  EncodeImagesFn(EncodeConfig config) {
    this.dvae = config.dvae();
    this.batchSize = config.batchSize();
    this.threads = config.threads();
  }

  @Setup
  public void setup() {
    ImageTokenizer.setEngineThreads(threads);
    try {
      tokenizer = ImageTokenizer.load(dvae);
    } catch (IOException e) {
      throw new UncheckedIOException("could not load the dVAE export " + dvae, e);
    }
    pending = new ArrayList<>(batchSize);
  }

  @StartBundle
  public void startBundle() {
    pending.clear();
  }

  @ProcessElement
  public void process(
      @Element CaptionedImage image,
      @Timestamp Instant timestamp,
      BoundedWindow window,
      MultiOutputReceiver out) {
    Metrics.counter(EncodePipeline.METRICS, "read").inc();
    DvaeConfig config = tokenizer.config();
    int size = config.imageSize();
    BufferedImage decoded;
    try {
      decoded = PngCodec.decode(bytesOf(image.getImagePng()));
    } catch (IllegalArgumentException e) {
      reject(out, image, "unreadable_png", e.getMessage());
      return;
    }
    if (decoded.getWidth() != decoded.getHeight() || decoded.getWidth() < size) {
      reject(
          out,
          image,
          "wrong_size",
          String.format(
              "image is %dx%d; the dVAE encodes %dx%d images, or the centre of larger squares"
                  + " (prepare with --image-size %d)",
              decoded.getWidth(), decoded.getHeight(), size, size, size));
      return;
    }
    if (decoded.getWidth() > size) {
      int offset = (decoded.getWidth() - size) / 2;
      decoded = decoded.getSubimage(offset, offset, size, size);
    }
    pending.add(new Pending(image, ImagePixels.channelsFirst(decoded), timestamp, window));
    if (pending.size() >= batchSize) {
      for (Encoded encoded : flush()) {
        out.get(TOKENS).output(encoded.example());
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    for (Encoded encoded : flush()) {
      context.output(TOKENS, encoded.example(), encoded.timestamp(), encoded.window());
    }
  }

  @Teardown
  public void teardown() {
    if (tokenizer != null) {
      tokenizer.close();
      tokenizer = null;
    }
  }

  private record Encoded(TokenizedExample example, Instant timestamp, BoundedWindow window) {}

  /** Encodes the buffered images in one forward pass and empties the buffer. */
  private List<Encoded> flush() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<float[]> pixels = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      pixels.add(p.pixels());
    }
    int[][] tokens = tokenizer.tokens(pixels);
    int grid = tokenizer.config().gridSize();
    List<Encoded> encoded = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      encoded.add(new Encoded(toExample(p.image(), tokens[i], grid), p.timestamp(), p.window()));
    }
    pending.clear();
    Metrics.counter(EncodePipeline.METRICS, "encoded").inc(encoded.size());
    Metrics.counter(EncodePipeline.METRICS, "batches").inc();
    return encoded;
  }

  static TokenizedExample toExample(CaptionedImage image, int[] tokens, int grid) {
    return TokenizedExample.newBuilder()
        .setId(image.getId())
        .setCaption(image.getCaption())
        .setTextTokens(new ArrayList<>(image.getTextTokens()))
        .setImageTokens(Arrays.stream(tokens).boxed().toList())
        .setGridSize(grid)
        .setAttributes(image.getAttributes())
        .build();
  }

  private static void reject(
      MultiOutputReceiver out, CaptionedImage image, String reason, String detail) {
    Metrics.counter(EncodePipeline.METRICS, "rejected").inc();
    out.get(REJECTED)
        .output(
            Rejected.newBuilder()
                .setSource(image.getSource())
                .setSourceKey(image.getSourceKey())
                .setStage(STAGE)
                .setReason(reason)
                .setDetail(detail)
                .build());
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}

package org.dalle.pipelines.prepare;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.pipelines.image.ImageDecoder;
import org.dalle.pipelines.image.ImageRejectedException;
import org.dalle.pipelines.image.PerceptualHash;
import org.dalle.pipelines.image.PixelDigest;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.image.SquareResizer;
import org.dalle.schemas.CaptionedImage;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * Turns a raw example into a clean {@link CaptionedImage}: caption normalised and checked, image
 * decoded (size checked from the header first), filtered on minimum side and aspect ratio, resized
 * with antialiasing and centre-cropped to a square, re-encoded as PNG, hashed. Anything unusable
 * goes to {@link #REJECTED} with its stage and reason.
 */
final class ProcessImageFn extends DoFn<RawExample, CaptionedImage> {
  static final TupleTag<CaptionedImage> IMAGES = new TupleTag<CaptionedImage>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};

  private final PrepareConfig config;
  private final boolean captionRequired;
  private transient ImageDecoder decoder;

  /**
   * @param captionRequired false for evaluation images that are only hashed for near-duplicate
   *     search, whose captions do not matter
   */
  ProcessImageFn(PrepareConfig config, boolean captionRequired) {
    this.config = config;
    this.captionRequired = captionRequired;
  }

  @Setup
  public void setup() {
    decoder = new ImageDecoder(config.maxPixels());
  }

  @ProcessElement
  public void process(@Element RawExample raw, MultiOutputReceiver out) {
    String source = raw.getSource();
    String key = raw.getSourceKey();
    // One per record of the progress line's total, whether it is kept or rejected.
    Metrics.counter(PreparePipeline.METRICS, "read").inc();
    try {
      String caption =
          captionRequired
              ? checkCaption(raw.getCaption())
              : CaptionNormalizer.normalize(raw.getCaption() == null ? "" : raw.getCaption());
      BufferedImage decoded = decoder.decode(bytesOf(raw.getImageBytes()));
      checkShape(decoded.getWidth(), decoded.getHeight());
      BufferedImage square = SquareResizer.resizeAndCenterCrop(decoded, config.imageSize());
      CaptionedImage image =
          CaptionedImage.newBuilder()
              .setId(idOf(source, key))
              .setCaption(caption)
              .setImagePng(ByteBuffer.wrap(PngCodec.encode(square)))
              .setWidth(square.getWidth())
              .setHeight(square.getHeight())
              .setSource(source)
              .setSourceKey(key)
              .setSha256(PixelDigest.sha256(square))
              .setPhash(PerceptualHash.of(square))
              .setAttributes(raw.getAttributes())
              .build();
      Metrics.counter(PreparePipeline.METRICS, "processed").inc();
      out.get(IMAGES).output(image);
    } catch (Rejection r) {
      reject(out, source, key, r.stage, r.reason, r.getMessage());
    } catch (ImageRejectedException e) {
      reject(out, source, key, "decode", e.reason(), e.getMessage());
    }
  }

  private void reject(
      MultiOutputReceiver out,
      String source,
      String key,
      String stage,
      String reason,
      String detail) {
    Metrics.counter(PreparePipeline.METRICS, "rejected_" + stage + "_" + reason).inc();
    out.get(REJECTED).output(Rejections.of(source, key, stage, reason, detail));
  }

  private String checkCaption(String raw) throws Rejection {
    if (raw == null) {
      throw new Rejection(
          "caption", "caption_missing", "the source gave no caption for this image");
    }
    String caption = CaptionNormalizer.normalize(raw);
    if (caption.isEmpty()) {
      throw new Rejection(
          "caption", "caption_blank", "the caption is empty after normalisation: '" + raw + "'");
    }
    if (caption.length() < config.minCaptionChars()) {
      throw new Rejection(
          "caption",
          "caption_too_short",
          "caption has "
              + caption.length()
              + " characters, expected at least "
              + config.minCaptionChars());
    }
    if (caption.length() > config.maxCaptionChars()) {
      throw new Rejection(
          "caption",
          "caption_too_long",
          "caption has "
              + caption.length()
              + " characters, expected at most "
              + config.maxCaptionChars());
    }
    return caption;
  }

  private void checkShape(int width, int height) throws Rejection {
    int shortSide = Math.min(width, height);
    int longSide = Math.max(width, height);
    if (shortSide < config.minSide()) {
      throw new Rejection(
          "filter",
          "too_small",
          width
              + "x"
              + height
              + " has shorter side "
              + shortSide
              + ", expected >= "
              + config.minSide());
    }
    double ratio = (double) longSide / shortSide;
    if (ratio > config.maxAspectRatio()) {
      throw new Rejection(
          "filter",
          "aspect_ratio",
          String.format(
              "%dx%d has aspect ratio %.3f, expected at most %.3f",
              width, height, ratio, config.maxAspectRatio()));
    }
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }

  /** A stable id: the first 16 hex digits of sha256(source + "/" + source key). */
  static String idOf(String source, String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((source + "/" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }

  /** A record that cannot be used, with the stage and reason to report. */
  private static final class Rejection extends Exception {
    final String stage;
    final String reason;

    Rejection(String stage, String reason, String detail) {
      super(detail);
      this.stage = stage;
      this.reason = reason;
    }
  }
}

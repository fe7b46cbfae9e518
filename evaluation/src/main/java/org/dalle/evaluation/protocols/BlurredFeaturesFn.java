package org.dalle.evaluation.protocols;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.evaluation.blur.PilGaussianBlur;
import org.dalle.evaluation.features.FeatureNetwork;
import org.dalle.evaluation.features.FeatureNetworks;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.pipelines.image.ImageDecoder;
import org.dalle.pipelines.image.ImageRejectedException;
import org.dalle.pipelines.image.SquareResizer;
import org.dalle.schemas.Rejected;
import org.joda.time.Instant;

/**
 * Decodes each image, optionally resizes and centre-crops it to a square, blurs it with every
 * radius of the sweep ({@link PilGaussianBlur}, as PIL blurs; DALL·E paper, section 3.2, figure 9)
 * and puts the blurred images through the feature network in batches. The network is loaded once
 * per instance in {@link Setup}; images left in the buffer are run when the bundle finishes, so
 * every image of a successful bundle is output. An image that cannot be decoded goes to {@link
 * #REJECTED} with the decoder's reason.
 *
 * <p>Outputs per (image, radius): the features, keyed by the radius label, and, when the network
 * has a classifier head, the logits keyed by radius label with the image key.
 */
final class BlurredFeaturesFn extends DoFn<KV<String, byte[]>, KV<String, double[]>> {
  static final TupleTag<KV<String, double[]>> FEATURES = new TupleTag<>() {};
  static final TupleTag<KV<String, KV<String, double[]>>> LOGITS = new TupleTag<>() {};
  static final TupleTag<Rejected> REJECTED = new TupleTag<>() {};
  static final TupleTag<String> USED = new TupleTag<>() {};
  static final String STAGE = "features";
  private static final long MAX_PIXELS = 89_478_485; // PIL's decompression-bomb limit

  private final String network;
  private final List<Double> radii;
  private final int batchSize;
  private final int squareSize;
  private final int threads;
  private final String source;
  private transient FeatureNetwork model;
  private transient List<PilGaussianBlur> blurs;
  private transient ImageDecoder decoder;
  private transient List<Pending> pending;

  /** One blurred image waiting for its batch, with where it came from in the pipeline. */
  private record Pending(
      String key, String radius, BufferedImage image, Instant timestamp, BoundedWindow window) {}

  BlurredFeaturesFn(EvalFeaturesConfig config, String source) {
    this.network = config.features();
    this.radii = List.copyOf(config.blur());
    this.batchSize = config.batchSize();
    this.squareSize = config.squareSize();
    this.threads = config.threads();
    this.source = source;
  }

  @Setup
  public void setup() {
    org.dalle.pipelines.encode.ImageTokenizer.setEngineThreads(threads);
    try {
      model = FeatureNetworks.open(network);
    } catch (IOException e) {
      throw new UncheckedIOException("could not load the feature network " + network, e);
    }
    blurs = new ArrayList<>();
    for (double radius : radii) {
      blurs.add(PilGaussianBlur.ofRadius(radius));
    }
    decoder = new ImageDecoder(MAX_PIXELS);
    pending = new ArrayList<>();
  }

  @StartBundle
  public void startBundle() {
    pending.clear();
  }

  @ProcessElement
  public void process(
      @Element KV<String, byte[]> encoded,
      @Timestamp Instant timestamp,
      BoundedWindow window,
      MultiOutputReceiver out) {
    Metrics.counter(FeatureStatisticsPipeline.METRICS, "read").inc();
    BufferedImage image;
    try {
      image = decoder.decode(encoded.getValue());
    } catch (ImageRejectedException e) {
      Metrics.counter(FeatureStatisticsPipeline.METRICS, "rejected").inc();
      out.get(REJECTED).output(rejected(source, encoded.getKey(), e.reason(), e.getMessage()));
      return;
    }
    if (squareSize > 0) {
      image = SquareResizer.resizeAndCenterCrop(image, squareSize);
    }
    out.get(USED).output(encoded.getKey());
    for (int r = 0; r < radii.size(); r++) {
      PilGaussianBlur blur = blurs.get(r);
      BufferedImage blurred = blur.isIdentity() ? image : blur.image(image);
      pending.add(
          new Pending(encoded.getKey(), BlurRadii.label(radii.get(r)), blurred, timestamp, window));
      if (pending.size() >= batchSize) {
        for (Featurized f : flush()) {
          out.get(FEATURES).output(f.features());
          if (f.logits() != null) {
            out.get(LOGITS).output(f.logits());
          }
        }
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext context) {
    for (Featurized f : flush()) {
      context.output(FEATURES, f.features(), f.from().timestamp(), f.from().window());
      if (f.logits() != null) {
        context.output(LOGITS, f.logits(), f.from().timestamp(), f.from().window());
      }
    }
  }

  @Teardown
  public void teardown() {
    if (model != null) {
      model.close();
      model = null;
    }
  }

  /** The outputs for one buffered image; {@code logits} is null without a classifier head. */
  private record Featurized(
      KV<String, double[]> features, KV<String, KV<String, double[]>> logits, Pending from) {}

  /** Runs the buffered images through the network in one forward pass and empties the buffer. */
  private List<Featurized> flush() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<BufferedImage> images = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      images.add(p.image());
    }
    FeatureNetwork.Outputs outputs = model.forward(images);
    FeatureMatrix features = outputs.features();
    FeatureMatrix logits = outputs.logits();
    List<Featurized> result = new ArrayList<>(pending.size());
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      result.add(
          new Featurized(
              KV.of(p.radius(), row(features, i)),
              logits == null ? null : KV.of(p.radius(), KV.of(p.key(), row(logits, i))),
              p));
    }
    Metrics.counter(FeatureStatisticsPipeline.METRICS, "featurized").inc(pending.size());
    pending.clear();
    return result;
  }

  private static double[] row(FeatureMatrix matrix, int i) {
    double[] row = new double[matrix.columns()];
    System.arraycopy(matrix.values(), i * matrix.columns(), row, 0, row.length);
    return row;
  }

  static Rejected rejected(String source, String key, String reason, String detail) {
    return Rejected.newBuilder()
        .setSource(source)
        .setSourceKey(key)
        .setStage(STAGE)
        .setReason(reason)
        .setDetail(detail)
        .build();
  }
}

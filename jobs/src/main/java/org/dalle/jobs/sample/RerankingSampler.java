package org.dalle.jobs.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dalle.models.clip.ImageTextScorer;
import org.dalle.models.transformer.PriorSampler;
import org.dalle.models.transformer.SamplingOptions;
import org.dalle.models.transformer.TransformerConfig;
import org.dalle.pipelines.encode.ImagePixels;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.schemas.Sample;

/**
 * Sampling with contrastive reranking (sections 2.3 and 2.5 of the paper): for each caption, N
 * candidate token grids drawn from the prior with the cached decoder, decoded by the dVAE, scored
 * by the reranker, and the best K kept as {@link Sample} records, best first.
 *
 * <p>The (caption, candidate) pairs are drawn {@code batchSize} at a time, across captions. Each
 * pair's draws come from its own seed ({@link CandidateSeeds}: the job's seed, the caption id and
 * the candidate index), so a candidate's tokens do not depend on the batch size or on the captions
 * it shares a batch with, up to the engine's rounding of the logits (see docs/sample.md). The
 * reranker scores each batch's images with their own captions; a score depends on its image and
 * caption alone. The same code serves the single-process job and every Beam worker.
 */
final class RerankingSampler {

  /**
   * How many candidates to draw and keep, and how.
   *
   * @param candidates N, drawn per caption
   * @param keep K ≤ N, kept per caption
   * @param batchSize (caption, candidate) pairs decoded together
   * @param sampling temperature, top-k and top-p
   * @param seed the job's seed, from which every candidate's seed is derived
   */
  record Settings(int candidates, int keep, int batchSize, SamplingOptions sampling, long seed) {}

  /** Where the kept samples of each caption go, once its N candidates are in. */
  interface Sink {
    /** The kept samples of {@code caption}, best first. */
    void accept(SampleCaption caption, List<Sample> kept) throws IOException;

    /** {@code caption} could not be sampled; {@code reason} is machine-readable. */
    void reject(SampleCaption caption, String reason, String detail) throws IOException;
  }

  /** A candidate's tokens and 8-bit image, held while it is among the best K. */
  private record Drawn(long[] tokens, BufferedImage image) {}

  /** A caption being sampled: its tokens and best candidates so far. */
  private static final class Pending {
    final SampleCaption caption;
    final long[] text;
    final TopCandidates<Drawn> best;
    int remaining;
    String failure;

    Pending(SampleCaption caption, long[] text, int candidates, int keep) {
      this.caption = caption;
      this.text = text;
      this.best = new TopCandidates<>(keep);
      this.remaining = candidates;
    }
  }

  private final SamplerModels models;
  private final ImageTextScorer scorer;
  private final Settings settings;
  private final long[] known;
  private long sampledTokens;
  private long sampleNanos;

  /**
   * @param scorer the reranker; null to keep the first K candidates unscored (then K must be N)
   * @param known leading image tokens every candidate keeps (image-to-image); null for none
   */
  RerankingSampler(SamplerModels models, ImageTextScorer scorer, Settings settings, long[] known) {
    checkSettings(settings, scorer != null);
    this.models = models;
    this.scorer = scorer;
    this.settings = settings;
    this.known = known;
  }

  /**
   * Checks N, K, the batch size and the sampling options, and that K &lt; N comes with a reranker.
   *
   * @param reranked whether a reranker scores the candidates
   * @throws IllegalArgumentException naming the bad value and what was expected
   */
  static void checkSettings(Settings settings, boolean reranked) {
    SampleConfig.checkCounts(settings.candidates(), settings.keep(), settings.batchSize());
    settings.sampling().validate();
    if (!reranked && settings.keep() != settings.candidates()) {
      throw new IllegalArgumentException(
          "--keep "
              + settings.keep()
              + " of --candidates "
              + settings.candidates()
              + " needs a reranker to choose; without --clip every candidate is kept");
    }
  }

  /** Image tokens sampled per second of decoding so far (the dVAE and reranker excluded). */
  double imageTokensPerSecond() {
    return sampleNanos == 0 ? 0 : sampledTokens / (sampleNanos / 1e9);
  }

  /**
   * Samples every caption and hands each one's kept samples to {@code sink}, in the order its last
   * candidate is drawn (the order of {@code captions}). A caption that is empty after
   * normalisation, or whose candidates the reranker scores NaN or infinite, goes to {@link
   * Sink#reject}.
   */
  void sample(List<SampleCaption> captions, Sink sink) throws IOException {
    SamplerModels.disableGradients(); // this may not be the thread that loaded the models
    List<Pending> pending = new ArrayList<>();
    for (SampleCaption caption : captions) {
      long[] text;
      try {
        text = models.textTokens(caption.caption());
      } catch (IllegalArgumentException e) {
        sink.reject(caption, "caption_blank", e.getMessage());
        continue;
      }
      pending.add(new Pending(caption, text, settings.candidates(), settings.keep()));
    }
    int n = settings.candidates();
    long total = (long) pending.size() * n;
    for (long start = 0; start < total; start += settings.batchSize()) {
      int b = (int) Math.min(settings.batchSize(), total - start);
      List<Pending> rows = new ArrayList<>(b);
      int[] candidates = new int[b];
      for (int i = 0; i < b; i++) {
        rows.add(pending.get((int) ((start + i) / n)));
        candidates[i] = (int) ((start + i) % n);
      }
      drawBatch(rows, candidates);
      for (int i = 0; i < b; i++) {
        Pending p = rows.get(i);
        if (--p.remaining == 0) {
          finish(p, sink);
        }
      }
    }
  }

  /** Draws, decodes and scores one batch, and offers each candidate to its caption. */
  private void drawBatch(List<Pending> rows, int[] candidates) {
    int b = rows.size();
    TransformerConfig shape = models.prior().config();
    int size = models.dvae().config().imageSize();
    int grid = shape.gridSize();
    try (NDManager scope = models.manager().newSubManager()) {
      long[] text = new long[b * shape.textLength()];
      long[] seeds = new long[b];
      for (int i = 0; i < b; i++) {
        System.arraycopy(rows.get(i).text, 0, text, i * shape.textLength(), shape.textLength());
        seeds[i] = CandidateSeeds.of(settings.seed(), rows.get(i).caption.id(), candidates[i]);
      }
      NDArray knownArray = null;
      if (known != null) {
        long[] prefix = new long[b * known.length];
        for (int i = 0; i < b; i++) {
          System.arraycopy(known, 0, prefix, i * known.length, known.length);
        }
        knownArray = scope.create(prefix, new Shape(b, known.length));
      }
      long t0 = System.nanoTime();
      NDArray tokens =
          PriorSampler.sampleImages(
              models.prior(),
              scope.create(text, new Shape(b, shape.textLength())),
              knownArray,
              settings.sampling(),
              seeds); // (B, G·G)
      sampleNanos += System.nanoTime() - t0;
      sampledTokens += (long) b * (shape.imageLength() - (known == null ? 0 : known.length));
      float[] decoded = models.dvae().decode(tokens.reshape(b, grid, grid)).toFloatArray();
      long[] codes = tokens.toLongArray();
      int imageFloats = 3 * size * size;
      BufferedImage[] images = new BufferedImage[b];
      float[] pixels = new float[b * imageFloats]; // (B, 3, S, S), the 8-bit images in [0, 1]
      for (int i = 0; i < b; i++) {
        images[i] =
            DecodedImages.toImage(
                Arrays.copyOfRange(decoded, i * imageFloats, (i + 1) * imageFloats), size);
        System.arraycopy(
            ImagePixels.channelsFirst(images[i]), 0, pixels, i * imageFloats, imageFloats);
      }
      float[] scores = score(scope.create(pixels, new Shape(b, 3, size, size)), rows);
      for (int i = 0; i < b; i++) {
        Pending p = rows.get(i);
        if (p.failure != null) {
          continue;
        }
        long[] own =
            Arrays.copyOfRange(codes, i * shape.imageLength(), (i + 1) * shape.imageLength());
        try {
          p.best.offer(candidates[i], scores == null ? null : scores[i], new Drawn(own, images[i]));
        } catch (IllegalArgumentException e) {
          p.failure = e.getMessage();
        }
      }
    }
  }

  /** The reranker's scores of the batch, or null without one. */
  private float[] score(NDArray images, List<Pending> rows) {
    if (scorer == null) {
      return null;
    }
    List<String> captions = rows.stream().map(p -> p.caption.caption()).toList();
    float[] scores = scorer.score(images, captions);
    if (scores.length != rows.size()) {
      throw new IllegalStateException(
          "the reranker "
              + scorer.describe()
              + " returned "
              + scores.length
              + " scores for "
              + rows.size()
              + " images");
    }
    return scores;
  }

  private void finish(Pending p, Sink sink) throws IOException {
    if (p.failure != null) {
      sink.reject(p.caption, "score_not_finite", p.failure);
      return;
    }
    int grid = models.prior().config().gridSize();
    List<Sample> kept = new ArrayList<>();
    List<TopCandidates.Ranked<Drawn>> ranked = p.best.ranked();
    for (int rank = 0; rank < ranked.size(); rank++) {
      TopCandidates.Ranked<Drawn> r = ranked.get(rank);
      List<Integer> tokens = new ArrayList<>(r.payload().tokens().length);
      for (long t : r.payload().tokens()) {
        tokens.add((int) t);
      }
      kept.add(
          Sample.newBuilder()
              .setCaptionId(p.caption.id())
              .setCaption(p.caption.caption())
              .setRank(rank)
              .setScore(r.score())
              .setCandidate(r.candidate())
              .setCandidates(settings.candidates())
              .setSeed(settings.seed())
              .setCandidateSeed(CandidateSeeds.of(settings.seed(), p.caption.id(), r.candidate()))
              .setImageTokens(tokens)
              .setGridSize(grid)
              .setImagePng(ByteBuffer.wrap(PngCodec.encode(r.payload().image())))
              .build());
    }
    sink.accept(p.caption, kept);
  }
}

package org.dalle.pipelines.sources;

import java.io.Serializable;
import java.util.List;

/**
 * Settings shared by the sources, beyond what a source spec string says. Immutable; build with
 * {@link #builder()}.
 *
 * @param oneCaptionPerImage MS-COCO and CUB: one record per image with one caption chosen by {@code
 *     seed}, instead of one record per image–caption pair
 * @param seed seed for every random choice a source makes (COCO caption choice)
 * @param httpConnectTimeoutMillis TSV: connect timeout per attempt
 * @param httpReadTimeoutMillis TSV: read timeout per attempt
 * @param httpMaxAttempts TSV: attempts per URL on transient errors (timeouts, 429, 5xx)
 * @param httpInitialBackoffMillis TSV: wait before the second attempt, doubled after each failure
 * @param httpMaxBytes TSV: largest response body accepted
 * @param allowPrivateAddresses TSV: allow hosts that resolve to loopback, link-local or private
 *     addresses (an on-prem mirror); off by default so a URL list cannot reach internal services
 * @param heldOutPairs synthetic: "colour shape" pairs that never appear in training images or
 *     captions
 * @param shuffleBuckets how many buckets sources spread their work units (files, rows) across; a
 *     few times the worker threads. 0 means one bucket per unit, which on Beam's Direct runner
 *     costs a bundle per file. The prepare job picks a value for the runner when this is 0.
 */
public record SourceConfig(
    boolean oneCaptionPerImage,
    long seed,
    int httpConnectTimeoutMillis,
    int httpReadTimeoutMillis,
    int httpMaxAttempts,
    long httpInitialBackoffMillis,
    long httpMaxBytes,
    boolean allowPrivateAddresses,
    List<String> heldOutPairs,
    int shuffleBuckets)
    implements Serializable {

  public SourceConfig {
    heldOutPairs = List.copyOf(heldOutPairs);
    if (httpConnectTimeoutMillis <= 0 || httpReadTimeoutMillis <= 0) {
      throw new IllegalArgumentException(
          "HTTP timeouts must be positive, got connect="
              + httpConnectTimeoutMillis
              + "ms read="
              + httpReadTimeoutMillis
              + "ms");
    }
    if (httpMaxAttempts < 1) {
      throw new IllegalArgumentException("httpMaxAttempts must be >= 1, got " + httpMaxAttempts);
    }
    if (shuffleBuckets < 0) {
      throw new IllegalArgumentException("shuffleBuckets must be >= 0, got " + shuffleBuckets);
    }
    if (httpMaxBytes < 1) {
      throw new IllegalArgumentException("httpMaxBytes must be >= 1, got " + httpMaxBytes);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .oneCaptionPerImage(oneCaptionPerImage)
        .seed(seed)
        .httpConnectTimeoutMillis(httpConnectTimeoutMillis)
        .httpReadTimeoutMillis(httpReadTimeoutMillis)
        .httpMaxAttempts(httpMaxAttempts)
        .httpInitialBackoffMillis(httpInitialBackoffMillis)
        .httpMaxBytes(httpMaxBytes)
        .allowPrivateAddresses(allowPrivateAddresses)
        .heldOutPairs(heldOutPairs)
        .shuffleBuckets(shuffleBuckets);
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private boolean oneCaptionPerImage = false;
    private long seed = 0;
    private int httpConnectTimeoutMillis = 10_000;
    private int httpReadTimeoutMillis = 30_000;
    private int httpMaxAttempts = 3;
    private long httpInitialBackoffMillis = 500;
    private long httpMaxBytes = 20L << 20;
    private boolean allowPrivateAddresses = false;
    private List<String> heldOutPairs = List.of();
    private int shuffleBuckets = 0;

    public Builder oneCaptionPerImage(boolean v) {
      oneCaptionPerImage = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder httpConnectTimeoutMillis(int v) {
      httpConnectTimeoutMillis = v;
      return this;
    }

    public Builder httpReadTimeoutMillis(int v) {
      httpReadTimeoutMillis = v;
      return this;
    }

    public Builder httpMaxAttempts(int v) {
      httpMaxAttempts = v;
      return this;
    }

    public Builder httpInitialBackoffMillis(long v) {
      httpInitialBackoffMillis = v;
      return this;
    }

    public Builder httpMaxBytes(long v) {
      httpMaxBytes = v;
      return this;
    }

    public Builder allowPrivateAddresses(boolean v) {
      allowPrivateAddresses = v;
      return this;
    }

    public Builder heldOutPairs(List<String> v) {
      heldOutPairs = v;
      return this;
    }

    public Builder shuffleBuckets(int v) {
      shuffleBuckets = v;
      return this;
    }

    public SourceConfig build() {
      return new SourceConfig(
          oneCaptionPerImage,
          seed,
          httpConnectTimeoutMillis,
          httpReadTimeoutMillis,
          httpMaxAttempts,
          httpInitialBackoffMillis,
          httpMaxBytes,
          allowPrivateAddresses,
          heldOutPairs,
          shuffleBuckets);
    }
  }
}

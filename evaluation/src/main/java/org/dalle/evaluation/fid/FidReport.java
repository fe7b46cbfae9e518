package org.dalle.evaluation.fid;

import java.util.List;
import java.util.OptionalLong;

/**
 * The result of {@code dalle fid}: the distance, what each side was, and warnings (such as a rank
 * deficient covariance) the user should see.
 */
public record FidReport(double fid, Side a, Side b, double blurRadius, List<String> warnings) {
  /** One input: its path, kind, sample count when known, and feature dimension. */
  public record Side(String path, String kind, OptionalLong samples, int dimension) {}
}

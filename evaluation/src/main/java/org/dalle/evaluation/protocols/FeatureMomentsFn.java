package org.dalle.evaluation.protocols;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Combines feature rows into {@link FeatureMoments}: the runner may add rows to many accumulators
 * in parallel and merge them in any order, with the same result up to float64 rounding.
 */
final class FeatureMomentsFn extends Combine.CombineFn<double[], FeatureMoments, FeatureMoments> {
  @Override
  public FeatureMoments createAccumulator() {
    return new FeatureMoments();
  }

  @Override
  public FeatureMoments addInput(FeatureMoments moments, double[] row) {
    moments.add(row);
    return moments;
  }

  @Override
  public FeatureMoments mergeAccumulators(Iterable<FeatureMoments> accumulators) {
    FeatureMoments merged = new FeatureMoments();
    for (FeatureMoments moments : accumulators) {
      merged.merge(moments);
    }
    return merged;
  }

  @Override
  public FeatureMoments extractOutput(FeatureMoments moments) {
    moments.foldBlock(); // so readers of the output never change it
    return moments;
  }

  @Override
  public Coder<FeatureMoments> getAccumulatorCoder(CoderRegistry registry, Coder<double[]> input) {
    return FeatureMomentsCoder.of();
  }

  @Override
  public Coder<FeatureMoments> getDefaultOutputCoder(
      CoderRegistry registry, Coder<double[]> input) {
    return FeatureMomentsCoder.of();
  }
}

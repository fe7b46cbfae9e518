package org.dalle.jobs.transformer;

/** Copies of a {@link TrainTransformerConfig} with one setting changed, for tests. */
final class ConfigOverride {

  private ConfigOverride() {}

  static TrainTransformerConfig replicas(TrainTransformerConfig c, int replicas) {
    return new TrainTransformerConfig(
        c.data(),
        c.tokenizer(),
        c.out(),
        c.model(),
        c.batchSize(),
        c.steps(),
        c.learningRate(),
        c.warmupSteps(),
        c.plateauWindow(),
        c.plateauPatience(),
        c.maxHalvings(),
        c.adamBeta1(),
        c.adamBeta2(),
        c.adamEpsilon(),
        c.weightDecay(),
        c.gradientClip(),
        c.emaDecay(),
        c.bpeDropout(),
        c.precision(),
        replicas,
        c.checkpointEvery(),
        c.keepCheckpoints(),
        c.seed(),
        c.threads());
  }
}

package org.dalle.jobs.dvae;

import org.dalle.jobs.train.Schedule;

/**
 * What changes over a dVAE run (section 2.1 and appendix A.2 of the paper): the learning rate's
 * cosine decay, the Gumbel-softmax temperature τ annealed 1 → 1/16 with a cosine schedule (a linear
 * one tended to diverge), and the KL weight β raised 0 → 6.6 (cosine) over the first updates, with
 * the optional usage-KL weight raised alongside it.
 */
record DvaeSchedules(Schedule learningRate, Schedule tau, Schedule beta, Schedule usageWeight) {

  static DvaeSchedules of(TrainDvaeConfig config) {
    return new DvaeSchedules(
        Schedule.cosine(
            config.learningRate(), config.finalLearningRate(), config.training().steps()),
        Schedule.cosine(config.tauStart(), config.tauEnd(), config.tauSteps()),
        Schedule.cosine(0, config.klWeight(), config.klWeightSteps()),
        Schedule.cosine(0, config.usageKlWeight(), config.klWeightSteps()));
  }
}

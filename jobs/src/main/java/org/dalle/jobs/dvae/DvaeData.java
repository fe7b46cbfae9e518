package org.dalle.jobs.dvae;

import java.io.IOException;
import org.dalle.pipelines.prepare.PreparedData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dVAE run reads before it trains: the training images, the images held out for {@code
 * reconstructions.png}, and the held-out-split scenes of the reconstruction check at the end.
 *
 * @param train the images trained on, in memory
 * @param figure the first {@code reconstruction_images} images, never trained on
 * @param preparedSize the side of the prepared images
 * @param checkScenes the reconstruction check's scenes, or why there are none
 */
record DvaeData(
    TrainingImages train,
    TrainingImages figure,
    int preparedSize,
    HeldOutScenes.Lookup checkScenes) {
  private static final Logger LOG = LoggerFactory.getLogger(DvaeData.class);

  /** Loads the prepared data of {@code config} and says when the check will not run. */
  static DvaeData load(TrainDvaeConfig config) throws IOException {
    TrainingImages all =
        TrainingImages.load(PreparedData.open(config.data()), config.model().imageSize());
    int heldOut = config.reconstructionImages();
    int batchSize = config.training().batchSize();
    if (all.count() < heldOut + batchSize) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d images; expected at least reconstruction_images (%d) + batch_size (%d)",
              config.data(), all.count(), heldOut, batchSize));
    }
    // Read before training, so a bad run.json fails now and not after the last update.
    HeldOutScenes.Lookup checkScenes =
        config.reconstructionCheckImages() == 0
            ? HeldOutScenes.Lookup.none("reconstruction_check_images is 0")
            : HeldOutScenes.fromPreparedData(config.data());
    if (checkScenes.scenes().isEmpty()) {
      LOG.info("train-dvae: no reconstruction check at the end: " + checkScenes.reason());
    }
    return new DvaeData(
        all.range(heldOut, all.count()), all.range(0, heldOut), all.size(), checkScenes);
  }
}

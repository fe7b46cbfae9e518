package org.dalle.pipelines.sources;

import java.util.OptionalLong;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.dalle.schemas.RawExample;
import org.dalle.schemas.Rejected;

/**
 * A source of image–caption pairs. It reads undecoded images and raw captions; decoding, validation
 * and caption normalisation happen later in the prepare pipeline, so every source shares them.
 *
 * <p>The output tuple holds {@link #EXAMPLES} and {@link #REJECTED}: a record that the source
 * itself cannot read (an unreadable file, a failed download, an opt-out) is a {@link Rejected} with
 * stage {@code read} or {@code fetch}, never dropped. Both collections have their coders set.
 */
public abstract class ImageSource extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<RawExample> EXAMPLES = new TupleTag<RawExample>() {};
  public static final TupleTag<Rejected> REJECTED = new TupleTag<Rejected>() {};

  /**
   * Source kind written to {@code RawExample.source}: synthetic, folder, coco, cub, tsv,
   * webdataset.
   */
  public abstract String kind();

  /**
   * How many records this source will read, when that can be learnt cheaply before the job runs:
   * the total of the prepare job's progress line, which then shows an ETA. Empty when it cannot
   * (records inside archives or annotation files); a missing input counts 0, and the job reports
   * it.
   */
  public OptionalLong expectedRecords() {
    return OptionalLong.empty();
  }
}

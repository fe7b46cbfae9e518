package org.dalle.pipelines.synthetic;

import java.nio.ByteBuffer;
import java.util.Set;
import org.dalle.schemas.RawExample;

/**
 * Turns a scene index into a complete {@link RawExample}: samples scene {@code i}, renders it to
 * PNG, writes its caption and encodes its {@link SceneAttributes}. The record is a pure function of
 * the spec, the held-out pairs and {@code i}.
 */
public final class SyntheticExampleGenerator {
  /** {@code RawExample.source} of every synthetic record. */
  public static final String SOURCE = "synthetic";

  private final SyntheticSpec spec;
  private final Set<ColourShape> heldOut;
  private final SceneSampler sampler;
  private final SceneRenderer renderer;
  private final CaptionWriter captions = new CaptionWriter();

  public SyntheticExampleGenerator(SyntheticSpec spec, Set<ColourShape> heldOut) {
    this.spec = spec;
    this.heldOut = Set.copyOf(heldOut);
    this.sampler = new SceneSampler(spec.seed(), spec.split(), spec.mix(), heldOut);
    this.renderer = new SceneRenderer(spec.imageSize());
  }

  /** The key of scene {@code index}: {@code synthetic/<split>/<seed>/<index>}. */
  public String sourceKey(long index) {
    return SOURCE + "/" + spec.split().word() + "/" + spec.seed() + "/" + index;
  }

  /** Example {@code index}, 0 <= index < N. */
  public RawExample generate(long index) {
    if (index < 0 || index >= spec.examples()) {
      throw new IllegalArgumentException(
          "scene index must be in [0, " + spec.examples() + "), got " + index);
    }
    Scene scene = sampler.sample(index);
    CaptionWriter.Caption caption = captions.write(scene, sampler.phrasing(index));
    return RawExample.newBuilder()
        .setSource(SOURCE)
        .setSourceKey(sourceKey(index))
        .setImageBytes(ByteBuffer.wrap(renderer.renderPng(scene)))
        .setCaption(caption.text())
        .setAttributes(SceneAttributes.encode(scene, caption, heldOut, spec.seed(), index))
        .build();
  }
}

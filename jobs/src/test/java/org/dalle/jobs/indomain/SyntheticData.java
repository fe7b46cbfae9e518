package org.dalle.jobs.indomain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.dalle.pipelines.image.PngCodec;
import org.dalle.pipelines.prepare.PrepareSummary;
import org.dalle.pipelines.synthetic.CaptionWriter;
import org.dalle.pipelines.synthetic.ColourShape;
import org.dalle.pipelines.synthetic.Scene;
import org.dalle.pipelines.synthetic.SceneAttributes;
import org.dalle.pipelines.synthetic.SceneMix;
import org.dalle.pipelines.synthetic.SceneRenderer;
import org.dalle.pipelines.synthetic.SceneSampler;
import org.dalle.pipelines.synthetic.SyntheticSplit;
import org.dalle.pipelines.synthetic.SyntheticVocabulary;
import org.dalle.schemas.CaptionedImage;

/** Writes a small prepare output of the synthetic source, as CaptionedImage Avro in two shards. */
final class SyntheticData {
  static final Set<ColourShape> HELD_OUT =
      new LinkedHashSet<>(SyntheticVocabulary.DEFAULT_HELD_OUT_PAIRS);

  private SyntheticData() {}

  /**
   * Writes {@code train} scenes of the train split and {@code heldout} of the heldout split of
   * {@code seed}, rendered at {@code size}, into {@code dataDir/images/}.
   */
  static void write(Path dataDir, int train, int heldout, int size, long seed, SceneMix mix)
      throws IOException {
    Path images = Files.createDirectories(dataDir.resolve("images"));
    SceneRenderer renderer = new SceneRenderer(size);
    CaptionWriter captions = new CaptionWriter();
    int shard = 0;
    for (SyntheticSplit split : SyntheticSplit.values()) {
      int n = split == SyntheticSplit.TRAIN ? train : heldout;
      SceneSampler sampler = new SceneSampler(seed, split, mix, HELD_OUT);
      try (DataFileWriter<CaptionedImage> writer =
          new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
        writer.create(
            CaptionedImage.getClassSchema(),
            images.resolve("part-0000" + shard++ + ".avro").toFile());
        for (int i = 0; i < n; i++) {
          Scene scene = sampler.sample(i);
          CaptionWriter.Caption caption = captions.write(scene, sampler.phrasing(i));
          Map<String, String> attributes =
              SceneAttributes.encode(scene, caption, HELD_OUT, seed, i);
          writer.append(
              CaptionedImage.newBuilder()
                  .setId(String.format("%s-%05d", split.word(), i))
                  .setCaption(caption.text())
                  .setImagePng(ByteBuffer.wrap(PngCodec.encode(renderer.render(scene))))
                  .setWidth(size)
                  .setHeight(size)
                  .setSource("synthetic")
                  .setSourceKey(split.word() + "/" + i)
                  .setSha256("0".repeat(64))
                  .setPhash(i)
                  .setAttributes(Map.copyOf(attributes))
                  .build());
        }
      }
    }
    PrepareSummary.allWritten(train + heldout).writeTo(dataDir);
  }

  /** A prepare output whose records have no attributes, as a folder or COCO source gives. */
  static void writeWithoutAttributes(Path dataDir, int count, int size) throws IOException {
    Path images = Files.createDirectories(dataDir.resolve("images"));
    try (DataFileWriter<CaptionedImage> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(CaptionedImage.class))) {
      writer.create(CaptionedImage.getClassSchema(), images.resolve("part-0.avro").toFile());
      for (int i = 0; i < count; i++) {
        writer.append(
            CaptionedImage.newBuilder()
                .setId(String.format("%016x", i))
                .setCaption("a photo " + i)
                .setImagePng(
                    ByteBuffer.wrap(
                        PngCodec.encode(
                            new java.awt.image.BufferedImage(
                                size, size, java.awt.image.BufferedImage.TYPE_INT_RGB))))
                .setWidth(size)
                .setHeight(size)
                .setSource("folder")
                .setSourceKey("photo-" + i + ".jpg")
                .setSha256("0".repeat(64))
                .setPhash(i)
                .setAttributes(Map.of())
                .build());
      }
    }
    PrepareSummary.allWritten(count).writeTo(dataDir);
  }
}

package org.dalle.models.dvae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DiscreteVaeTest {

  /** Image 64 → grid 8 over four groups of two blocks each. */
  private static final DvaeConfig TWO_BLOCKS = new DvaeConfig(64, 3, 256, 16, 32, 2, 4);

  private static Engine engine;
  private static NDManager manager;

  @BeforeAll
  static void open() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
    manager = engine.newBaseManager();
    engine.setRandomSeed(11);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void tinyModelHasTheExpectedShapes() {
    assertShapes(DvaeConfig.tiny(), 2);
  }

  @Test
  void twoBlocksPerGroupModelHasTheExpectedShapes() {
    assertShapes(TWO_BLOCKS, 1);
  }

  @Test
  void paperLayoutMapsA256ImageToA32GridOf8192Logits() {
    // The paper's groups, blocks, vocabulary and image size at a narrow width, to keep it light.
    assertShapes(new DvaeConfig(256, 3, 8192, 16, 16, 2, 4), 1);
  }

  @Test
  void paperModelHasTheParameterCountOfTheReleasedDvae() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.paper());
      // Zeros allocate fast; only the shapes matter here.
      vae.setInitializer(Initializer.ZEROS, parameter -> true);
      vae.initializeParameters(m);
      // Counted by hand from the layer list: 53,786,240 in the encoder, 43,829,766 in the decoder
      // (the sizes of OpenAI's released encoder.pkl and decoder.pkl at 4 bytes per weight).
      assertEquals(53_786_240L, count(vae.encoder()));
      assertEquals(97_616_006L, vae.parameterCount());
    }
  }

  @Test
  void tinyModelHasTheHandCountedParameters() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      // Encoder: input 7×7 3→32 (4,736); group 1: 32→32 via 8 (3,768); group 2: 32→64 via 16 with
      // a 1×1 id path (12,464); group 3: 64→128 via 32 (49,504); output 1×1 128→512 (66,048).
      assertEquals(136_520L, count(vae.encoder()));
      assertEquals(265_782L, vae.parameterCount());
    }
  }

  @Test
  void gradientsReachEveryParameter() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray images = m.randomUniform(0f, 1f, new Shape(2, 3, 32, 32));
      try (GradientCollector collector = engine.newGradientCollector()) {
        DvaeLoss loss = vae.loss(images, 1f, 6.6f);
        collector.backward(loss.total());
      }
      List<String> withoutGradient = new ArrayList<>();
      for (Pair<String, Parameter> parameter : vae.getParameters()) {
        try (NDArray grad = parameter.getValue().getArray().getGradient()) {
          if (grad.abs().max().getFloat() == 0f) {
            withoutGradient.add(parameter.getKey());
          }
        }
      }
      assertEquals(List.of(), withoutGradient);
      // 16 convolutions in the encoder, 17 in the decoder, each with a weight and a bias.
      assertEquals(66, vae.getParameters().size());
    }
  }

  @Test
  void lossTermsAreConsistent() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray images = m.randomUniform(0f, 1f, new Shape(3, 3, 32, 32));
      try (DvaeLoss loss = vae.loss(images, 0.5f, 2f)) {
        float total = loss.total().getFloat();
        float reconstruction = loss.reconstruction().getFloat();
        float kl = loss.kl().getFloat();
        assertEquals(reconstruction + 2f * kl, total, 1e-5f);
        // Per sub-pixel = per position × (8·8 positions) / (3·32·32 sub-pixels).
        assertEquals(loss.klPerPosition().getFloat() * 64 / 3072, kl, 1e-6f);
        assertTrue(kl >= 0f && loss.klPerPosition().getFloat() <= (float) Math.log(512));
        assertEquals(new Shape(3, 512, 8, 8), loss.logits().getShape());
      }
    }
  }

  @Test
  void usageTermAddsTheMeanPosteriorsKlPerSubpixel() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray images = m.randomUniform(0f, 1f, new Shape(3, 3, 32, 32));
      try (DvaeLoss loss = vae.loss(images, 0.5f, 2f, 5f, new PixelLikelihood.Gaussian(0.05f))) {
        float usage =
            UniformPriorKl.ofMeanPosterior(ChannelsLast.codesLast(loss.logits())).getFloat();
        assertTrue(usage > 0f && usage <= (float) Math.log(512), "usage KL " + usage);
        float expected =
            loss.reconstruction().getFloat() + 2f * loss.kl().getFloat() + 5f * usage * 64 / 3072;
        assertEquals(expected, loss.total().getFloat(), 1e-5f);
      }
      assertThrows(
          IllegalArgumentException.class,
          () -> vae.loss(images, 1f, 1f, -1f, new PixelLikelihood.Gaussian(0.05f)));
    }
  }

  @Test
  void stepResultsAreTheOnlyArraysLeftInTheCallersManager() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      try (NDManager step = m.newSubManager()) {
        NDArray images = step.randomUniform(0f, 1f, new Shape(2, 3, 32, 32));
        int before = step.getManagedArrays().size();
        vae.loss(images, 1f, 1f);
        assertEquals(before + 5, step.getManagedArrays().size(), "loss: five results");
        vae.forward(images, 1f);
        assertEquals(before + 7, step.getManagedArrays().size(), "forward: two results");
        vae.encode(images);
        assertEquals(before + 8, step.getManagedArrays().size(), "encode: the tokens");
        assertEquals(images, step.getManagedArrays().get(step.getManagedArrays().indexOf(images)));
      }
    }
  }

  @Test
  void encodeGivesDeterministicCodesInTheVocabulary() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray images = m.randomUniform(0f, 1f, new Shape(4, 3, 32, 32));
      NDArray tokens = vae.encode(images);
      assertEquals(new Shape(4, 8, 8), tokens.getShape());
      assertEquals(DataType.INT32, tokens.getDataType());
      assertTrue(tokens.min().getInt() >= 0 && tokens.max().getInt() < 512);
      assertArrayEquals(tokens.toIntArray(), vae.encode(images).toIntArray(), "no noise");
    }
  }

  @Test
  void decodeGivesImagesInTheUnitInterval() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray tokens = m.randomInteger(0, 512, new Shape(2, 8, 8), DataType.INT32);
      NDArray images = vae.decode(tokens);
      assertEquals(new Shape(2, 3, 32, 32), images.getShape());
      assertTrue(images.min().getFloat() >= 0f && images.max().getFloat() <= 1f);
      assertEquals(new Shape(2, 3, 32, 32), vae.reconstruct(images).getShape());
    }
  }

  @Test
  void rejectsTokensOutsideTheVocabularyAndImagesOfTheWrongSize() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDArray tokens = m.full(new Shape(1, 8, 8), 512, DataType.INT32);
      IllegalArgumentException badToken =
          assertThrows(IllegalArgumentException.class, () -> vae.decode(tokens));
      assertEquals(
          "tokens range from 512 to 512; expected codes in [0, 512)", badToken.getMessage());
      NDArray images = m.zeros(new Shape(1, 3, 64, 64));
      IllegalArgumentException badImage =
          assertThrows(IllegalArgumentException.class, () -> vae.encode(images));
      assertEquals(
          "images are (1, 3, 64, 64); expected (B, 3, 32, 32) with B >= 1", badImage.getMessage());
      assertThrows(IllegalArgumentException.class, () -> vae.loss(images, 1f, -1f));
    }
  }

  @Test
  void refusesToRunBeforeInitialisation() {
    DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
    try (NDManager m = manager.newSubManager()) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> vae.encode(m.zeros(new Shape(1, 3, 32, 32))));
      assertTrue(e.getMessage().contains("initializeParameters"), e.getMessage());
    }
  }

  @Test
  void blockForwardTakesImagesAndTemperature() {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(DvaeConfig.tiny());
      vae.initializeParameters(m);
      NDList out =
          vae.forward(
              new ParameterStore(m, false),
              new NDList(m.randomUniform(0f, 1f, new Shape(2, 3, 32, 32)), m.create(0.5f)),
              false);
      assertEquals(new Shape(2, 6, 32, 32), out.get(0).getShape());
      assertEquals(new Shape(2, 512, 8, 8), out.get(1).getShape());
      assertArrayEquals(
          new Shape[] {new Shape(2, 6, 32, 32), new Shape(2, 512, 8, 8)},
          vae.getOutputShapes(new Shape[] {new Shape(2, 3, 32, 32), new Shape()}));
    }
  }

  @Test
  void upsamplingRepeatsEveryPixelIntoATwoByTwoPatch() {
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
      NDArray up = DvaeDecoder.upsampleNearest(x);
      assertEquals(new Shape(1, 1, 4, 4), up.getShape());
      assertArrayEquals(
          new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, up.toFloatArray());
    }
  }

  private static void assertShapes(DvaeConfig config, int batch) {
    try (NDManager m = manager.newSubManager()) {
      DiscreteVae vae = new DiscreteVae(config);
      vae.initializeParameters(m);
      int size = config.imageSize();
      int grid = config.gridSize();
      NDArray images = m.randomUniform(0f, 1f, new Shape(batch, 3, size, size));
      try (DvaeOutput out = vae.forward(images, 1f)) {
        assertEquals(new Shape(batch, config.vocabSize(), grid, grid), out.logits().getShape());
        assertEquals(new Shape(batch, 6, size, size), out.decoded().getShape());
        assertEquals(new Shape(batch, 3, size, size), out.reconstruction().getShape());
      }
      assertEquals(new Shape(batch, grid, grid), vae.encode(images).getShape());
    }
  }

  private static long count(ai.djl.nn.Block block) {
    long total = 0;
    for (Parameter parameter : block.getParameters().values()) {
      total += parameter.getArray().size();
    }
    return total;
  }
}

package org.dalle.evaluation.indomain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.dalle.pipelines.synthetic.SceneMix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SceneClassifierTest {
  private static final SceneLabels LABELS = SceneLabels.synthetic();
  private static Engine engine;

  @BeforeAll
  static void engine() {
    System.setProperty("ai.djl.offline", "true");
    engine = Engine.getEngine("PyTorch");
  }

  private static SceneClassifier tiny() {
    return SceneClassifier.builder()
        .setConfig(EvaluatorConfig.tiny())
        .setClasses(LABELS.classes())
        .build();
  }

  @Test
  void outputsFeaturesAndLogitsOfTheConfiguredSizes() {
    try (NDManager m = engine.newBaseManager()) {
      SceneClassifier model = tiny();
      model.initializeParameters(m);
      NDArray x = m.randomUniform(0f, 1f, new Shape(5, 3, 32, 32));
      NDList out = model.forward(new ParameterStore(m, false), new NDList(x), false);
      assertEquals(new Shape(5, 128), out.get(0).getShape());
      assertEquals(new Shape(5, 29), out.get(1).getShape());
      assertEquals(
          List.of(new Shape(5, 128), new Shape(5, 29)),
          List.of(model.getOutputShapes(new Shape[] {new Shape(5, 3, 32, 32)})));
      // Features are post-ReLU.
      assertTrue(out.get(0).min().getFloat() >= 0f);
      // Stages: 3→16 (432+16), 16→16 (2304+16), 16→32 (4608+32), 32→32 (9216+32), 32→64
      // (18432+64), 64→64 (36864+64); features 64·(2+16)→128 (147456+128); heads 128→29 (3712+29).
      long count = 0;
      for (Pair<String, Parameter> p : model.getParameters()) {
        count += p.getValue().getArray().size();
      }
      assertEquals(223_405L, count);
    }
  }

  @Test
  void convStageHalvesTheResolution() {
    try (NDManager m = engine.newBaseManager()) {
      ConvStage stage = ConvStage.builder().setInChannels(3).setOutChannels(4).optConvs(2).build();
      stage.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 3, 8, 6));
      NDArray y =
          stage
              .forward(
                  new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 3, 8, 6))), false)
              .singletonOrThrow();
      assertEquals(new Shape(2, 4, 4, 3), y.getShape());
      assertTrue(y.min().getFloat() >= 0f, "ReLU before pooling");
    }
    assertThrows(
        IllegalArgumentException.class, () -> ConvStage.builder().setOutChannels(4).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ConvStage.builder().setInChannels(3).setOutChannels(4).optConvs(0).build());
  }

  @Test
  void badConfigsAreRejectedWithTheirValue() {
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> new EvaluatorConfig(30, List.of(8, 8, 8), 1, 16).validate());
    assertTrue(size.getMessage().contains("image_size is 30"), size.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new EvaluatorConfig(32, List.of(), 1, 16).validate());
    assertThrows(
        IllegalArgumentException.class,
        () -> new EvaluatorConfig(32, List.of(8, 0), 1, 16).validate());
    assertThrows(
        IllegalArgumentException.class, () -> SceneClassifier.builder().setClasses(4).build());
  }

  @Test
  void gradientsReachEveryParameter() {
    try (NDManager m = engine.newBaseManager()) {
      SceneClassifier model = tiny();
      model.initializeParameters(m);
      List<RenderedScenes.Example> scenes = RenderedScenes.train(1, 0, 4, 32, SceneMix.DEFAULT);
      NDArray x = m.create(RenderedScenes.inputs(scenes, 32), new Shape(4, 3, 32, 32));
      NDArray t = m.create(RenderedScenes.targets(scenes, LABELS), new Shape(4, 29));
      try (GradientCollector collector = engine.newGradientCollector()) {
        NDList out = model.forward(new ParameterStore(m, false), new NDList(x), true);
        collector.backward(HeadLoss.of(out.get(1), t, LABELS));
      }
      List<String> withoutGradient = new ArrayList<>();
      for (Pair<String, Parameter> p : model.getParameters()) {
        try (NDArray grad = p.getValue().getArray().getGradient()) {
          if (grad.abs().max().getFloat() == 0f) {
            withoutGradient.add(p.getKey());
          }
        }
      }
      assertEquals(List.of(), withoutGradient);
      assertEquals(16, model.getParameters().size());
    }
  }

  @Test
  void lossIsTheSumOfTheHeadsCrossEntropies() {
    try (NDManager m = engine.newBaseManager()) {
      NDArray logits = m.zeros(new Shape(2, 29));
      NDArray targets =
          m.create(
              RenderedScenes.targets(RenderedScenes.train(2, 0, 2, 32, SceneMix.DEFAULT), LABELS),
              new Shape(2, 29));
      // Uniform predictions: each head costs log(its size) whatever the target distribution.
      double expected = Math.log(8) + Math.log(6) + Math.log(2) + Math.log(9) + Math.log(4);
      assertEquals(expected, HeadLoss.of(logits, targets, LABELS).getFloat(), 1e-5);
    }
  }

  @Test
  void overfitsATinyBatch() {
    engine.setRandomSeed(11);
    List<RenderedScenes.Example> scenes = RenderedScenes.train(5, 0, 8, 32, new SceneMix(1, 0, 0));
    try (NDManager m = engine.newBaseManager()) {
      // Narrower than the tiny config, so the test stays quick; memorising 8 scenes needs little.
      SceneClassifier model =
          SceneClassifier.builder()
              .setConfig(new EvaluatorConfig(32, List.of(8, 16, 16), 1, 64))
              .setClasses(LABELS.classes())
              .build();
      model.initializeParameters(m);
      Optimizer adam = Adam.builder().optLearningRateTracker(Tracker.fixed(2e-3f)).build();
      float[] inputs = RenderedScenes.inputs(scenes, 32);
      float[] targets = RenderedScenes.targets(scenes, LABELS);
      float first = Float.NaN;
      float last = Float.NaN;
      for (int step = 0; step < 60; step++) {
        try (NDManager scope = m.newSubManager()) {
          NDArray x = scope.create(inputs, new Shape(8, 3, 32, 32));
          NDArray t = scope.create(targets, new Shape(8, 29));
          try (GradientCollector collector = engine.newGradientCollector()) {
            NDList out = model.forward(new ParameterStore(scope, false), new NDList(x), true);
            NDArray loss = HeadLoss.of(out.get(1), t, LABELS);
            collector.backward(loss);
            last = loss.getFloat();
            if (step == 0) {
              first = last;
            }
          }
          for (Parameter parameter : model.getParameters().values()) {
            NDArray weight = parameter.getArray();
            try (NDArray grad = weight.getGradient()) {
              adam.update(parameter.getId(), weight, grad);
              grad.subi(grad);
            }
          }
        }
      }
      assertTrue(last < 0.05f * first, "loss " + first + " -> " + last);
      HeadAccuracy accuracy = new HeadAccuracy(LABELS);
      FeatureMatrix logits =
          EvaluatorNetwork.wrap(model, LABELS, m).activations(inputs, 8).headLogits();
      for (int i = 0; i < 8; i++) {
        RenderedScenes.Example e = scenes.get(i);
        accuracy.add(
            logits.values(),
            i,
            LABELS.targets(e.attributes(), e.id()),
            LABELS.scoreTargets(e.attributes(), e.id()));
      }
      for (var entry : accuracy.accuracies().entrySet()) {
        assertEquals(1.0, entry.getValue(), entry.getKey());
      }
    }
  }
}

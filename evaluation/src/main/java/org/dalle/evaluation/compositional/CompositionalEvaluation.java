package org.dalle.evaluation.compositional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The compositional benchmark as one call for a command line: reads the captions and their facts
 * ({@link CaptionFacts#read}) and the generated images ({@link SampleDirectory}), scores every set
 * ({@link CompositionalBenchmark}) and writes {@value #FILE_NAME} into the output directory
 * atomically (a temporary file renamed over the target, so a reader never sees half a file).
 */
public final class CompositionalEvaluation {
  /** Name of the results file. */
  public static final String FILE_NAME = "compositional.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private final CompositionalBenchmark benchmark;

  public CompositionalEvaluation() {
    this(new CompositionalBenchmark(new SceneChecker()));
  }

  public CompositionalEvaluation(CompositionalBenchmark benchmark) {
    this.benchmark = benchmark;
  }

  /**
   * Scores the sample sets under {@code samples} against the captions in {@code captions} and
   * writes {@code out/compositional.json}.
   *
   * @return what was written
   */
  public CompositionalResult run(Path samples, Path captions, Path out) throws IOException {
    List<CaptionFacts> facts = CaptionFacts.read(captions);
    if (facts.isEmpty()) {
      throw new IllegalArgumentException("caption file " + captions + " holds no captions");
    }
    List<SampleSet> sets =
        SampleDirectory.read(samples, facts.stream().map(CaptionFacts::id).toList());
    CompositionalBenchmark.Scores scores = benchmark.evaluate(facts, sets);
    CompositionalResult result =
        new CompositionalResult(
            captions.toString(),
            samples.toString(),
            facts.size(),
            facts.stream().filter(f -> !f.heldOut().isEmpty()).count(),
            scores.sets(),
            scores.perCaption());
    writeAtomically(out.resolve(FILE_NAME), JSON.writeValueAsBytes(result));
    return result;
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(temp, bytes);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}

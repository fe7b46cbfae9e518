import java.nio.file.Path;
import java.util.Arrays;
import org.dalle.evaluation.metrics.FeatureStatistics;
import org.dalle.evaluation.metrics.FrechetDistance;
import org.dalle.evaluation.numpy.NpzStatistics;

/**
 * This project's side of benchmarks/fid: the FID of two .npz statistics files (read once, outside
 * the timed region), computed REPEATS times after one untimed run that loads the native library.
 * Run with the runnable jar on the class path: {@code java -cp jobs/target/dalle.jar FidBench.java
 * A.npz B.npz REPEATS}. Prints {@code fid <value>} and {@code ms <median milliseconds>}.
 */
public class FidBench {
  public static void main(String[] args) throws Exception {
    FeatureStatistics a = NpzStatistics.read(Path.of(args[0]));
    FeatureStatistics b = NpzStatistics.read(Path.of(args[1]));
    int repeats = Integer.parseInt(args[2]);
    double fid = FrechetDistance.between(a, b);
    double[] ms = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      fid = FrechetDistance.between(a, b);
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(ms);
    double median = repeats % 2 == 1 ? ms[repeats / 2] : (ms[repeats / 2 - 1] + ms[repeats / 2]) / 2;
    System.out.printf("fid %.17g%n", fid);
    System.out.printf("ms %.3f%n", median);
  }
}

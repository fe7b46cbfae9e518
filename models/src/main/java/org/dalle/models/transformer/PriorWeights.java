package org.dalle.models.transformer;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.dalle.models.optim.ParameterArrays;

/**
 * A prior's weights as a byte stream: every parameter named by its key, in {@link
 * ParameterArrays}'s format (the one EMA and optimizer states use), so reading checks every name
 * and shape instead of trusting the order.
 */
public final class PriorWeights {

  private PriorWeights() {}

  /** Writes every parameter of {@code model} (which must be initialised) as an encoded NDList. */
  public static void write(TransformerPrior model, OutputStream out) throws IOException {
    model.requireInitialized();
    try (NDManager scope = NDManager.newBaseManager()) {
      ParameterArrays.export(model.getParameters(), scope).encode(out);
    }
  }

  /**
   * Overwrites every parameter of {@code model} in place with the arrays {@link #write} wrote.
   *
   * @throws IllegalArgumentException when a name is missing on either side or a shape differs,
   *     naming them
   */
  public static void read(TransformerPrior model, InputStream in) throws IOException {
    model.requireInitialized();
    try (NDManager scope = NDManager.newBaseManager()) {
      ParameterArrays.restore(model.getParameters(), NDList.decode(scope, in));
    }
  }
}

package org.dalle.evaluation.protocols;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/** A feature or logit vector: its length, then big-endian doubles (exact). */
final class DoubleArrayCoder extends CustomCoder<double[]> {
  private static final DoubleArrayCoder INSTANCE = new DoubleArrayCoder();

  static DoubleArrayCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(double[] values, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    out.writeInt(values.length);
    for (double value : values) {
      out.writeDouble(value);
    }
    out.flush();
  }

  @Override
  public double[] decode(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    int length = in.readInt();
    if (length < 0) {
      throw new CoderException("corrupt vector length " + length);
    }
    double[] values = new double[length];
    for (int i = 0; i < length; i++) {
      values[i] = in.readDouble();
    }
    return values;
  }

  @Override
  public void verifyDeterministic() {}
}

package org.dalle.evaluation.protocols;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Encodes {@link FeatureMoments} for the shuffle between the partial and the final combine: count,
 * dimension, mean, the upper triangle of M₂ and any rows not yet folded, as big-endian doubles
 * (exact, so a moment survives the trip bit for bit).
 */
final class FeatureMomentsCoder extends CustomCoder<FeatureMoments> {
  private static final FeatureMomentsCoder INSTANCE = new FeatureMomentsCoder();

  static FeatureMomentsCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(FeatureMoments moments, OutputStream stream) throws IOException {
    DataOutputStream out = new DataOutputStream(stream);
    int d = moments.dimension();
    long count = moments.foldedCount();
    out.writeLong(count);
    out.writeInt(d);
    if (count > 0) {
      double[] mean = moments.meanView();
      double[] m2 = moments.m2View();
      for (int j = 0; j < d; j++) {
        out.writeDouble(mean[j]);
      }
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          out.writeDouble(m2[i * d + j]);
        }
      }
    }
    int rows = moments.blockRows();
    out.writeInt(rows);
    double[] block = moments.blockView();
    for (int i = 0; i < rows * d; i++) {
      out.writeDouble(block[i]);
    }
    out.flush();
  }

  @Override
  public FeatureMoments decode(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    long count = in.readLong();
    int d = in.readInt();
    if (count < 0 || d < 0) {
      throw new CoderException("corrupt feature moments: count " + count + ", dimension " + d);
    }
    double[] mean = null;
    double[] m2 = null;
    if (count > 0) {
      mean = new double[d];
      for (int j = 0; j < d; j++) {
        mean[j] = in.readDouble();
      }
      m2 = new double[d * d];
      for (int i = 0; i < d; i++) {
        for (int j = i; j < d; j++) {
          m2[i * d + j] = in.readDouble();
        }
      }
    }
    int rows = in.readInt();
    double[] block = null;
    if (rows > 0) {
      block = new double[FeatureMoments.BLOCK_ROWS * d];
      for (int i = 0; i < rows * d; i++) {
        block[i] = in.readDouble();
      }
    }
    return new FeatureMoments(count, d, mean, m2, block, rows);
  }

  @Override
  public void verifyDeterministic() {}
}

package org.dalle.evaluation.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dalle.evaluation.metrics.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyFormatTest {
  /** A .npy file built by hand: magic, version 1.0, header length, padded dict, data. */
  private static byte[] handBuilt(String dict, ByteOrder order, float[] floats, double[] doubles) {
    String header = dict;
    while ((10 + header.length() + 1) % 64 != 0) {
      header += " ";
    }
    header += "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    int count = floats != null ? floats.length : doubles.length;
    ByteBuffer data = ByteBuffer.allocate(count * (floats != null ? 4 : 8)).order(order);
    for (int i = 0; i < count; i++) {
      if (floats != null) {
        data.putFloat(floats[i]);
      } else {
        data.putDouble(doubles[i]);
      }
    }
    out.writeBytes(data.array());
    return out.toByteArray();
  }

  @Test
  void readsAHandBuiltFloat32Header() throws IOException {
    byte[] bytes =
        handBuilt(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            ByteOrder.LITTLE_ENDIAN,
            new float[] {1, 2, 3, 4.5f, -5, 6},
            null);
    NpyArray array = NpyFormat.read(new ByteArrayInputStream(bytes), "hand.npy");
    assertArrayEquals(new int[] {2, 3}, array.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4.5, -5, 6}, array.values());
  }

  @Test
  void readsBigEndianFortranOrderFloat64() throws IOException {
    // Fortran order stores columns first: the C-order matrix [[1, 2, 3], [4, 5, 6]].
    byte[] bytes =
        handBuilt(
            "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }",
            ByteOrder.BIG_ENDIAN,
            null,
            new double[] {1, 4, 2, 5, 3, 6});
    NpyArray array = NpyFormat.read(new ByteArrayInputStream(bytes), "hand.npy");
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, array.values());
  }

  @Test
  void readsAFloat32FortranArraySavedByNumpy() throws IOException {
    // np.save(..., np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3) / 4))
    Path path = resource("features_f32_fortran.npy");
    FeatureMatrix features = NpyFeatures.read(path);
    assertEquals(2, features.rows());
    assertEquals(3, features.columns());
    assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1, 1.25}, features.values());
  }

  @Test
  void writesTheSameBytesAsNpSave() throws IOException {
    byte[] bytes = NpyFormat.toBytes(new NpyArray(new int[] {3}, new double[3]));
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    // as np.save(f, np.zeros(3)) writes with numpy 1.24: 118 header bytes, spaces, a newline
    String expectedHeader = dict + " ".repeat(117 - dict.length()) + "\n";
    assertEquals(0x76, bytes[8]);
    assertEquals(expectedHeader, new String(bytes, 10, 0x76, StandardCharsets.US_ASCII));
    assertEquals(128 + 24, bytes.length);

    byte[] matrix = NpyFormat.toBytes(new NpyArray(new int[] {2, 2}, new double[] {1, 2, 3, 4}));
    assertEquals(0, (10 + (matrix[8] & 0xff)) % 64);
    assertTrue(new String(matrix, 10, 70, StandardCharsets.US_ASCII).contains("(2, 2), }"));
    NpyArray back = NpyFormat.read(new ByteArrayInputStream(matrix), "round trip");
    assertArrayEquals(new int[] {2, 2}, back.shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, back.values());
  }

  @Test
  void refusesOtherTypesAndTruncatedData(@TempDir Path dir) throws IOException {
    byte[] ints =
        handBuilt(
            "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
            ByteOrder.LITTLE_ENDIAN,
            null,
            new double[] {1});
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> NpyFormat.read(new ByteArrayInputStream(ints), "ints.npy"));
    assertTrue(error.getMessage().contains("'<i8'"), error.getMessage());

    byte[] full =
        handBuilt(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
            ByteOrder.LITTLE_ENDIAN,
            null,
            new double[] {1, 2, 3, 4});
    byte[] truncated = java.util.Arrays.copyOf(full, full.length - 8);
    error =
        assertThrows(
            IllegalArgumentException.class,
            () -> NpyFormat.read(new ByteArrayInputStream(truncated), "short.npy"));
    assertTrue(
        error.getMessage().contains("ends before the 4 values its header declares"),
        error.getMessage());

    assertThrows(
        IllegalArgumentException.class,
        () -> NpyFormat.read(new ByteArrayInputStream("PK\3\4 not npy".getBytes()), "x.npy"));

    Path oneDimensional = dir.resolve("mu.npy");
    Files.write(oneDimensional, full);
    error = assertThrows(IllegalArgumentException.class, () -> NpyFeatures.read(oneDimensional));
    assertTrue(error.getMessage().contains("expected 2-D"), error.getMessage());
  }

  static Path resource(String name) throws IOException {
    try (InputStream in = NpyFormatTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      Path copy = Files.createTempFile("npy-test", name);
      Files.write(copy, in.readAllBytes());
      copy.toFile().deleteOnExit();
      return copy;
    }
  }
}

package org.dalle.evaluation.numpy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * numpy's {@code .npy} format (format versions 1.0, 2.0 and 3.0): a magic string, a version, a
 * header length, a Python dict literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (2,
 * 3), }} padded with spaces to a multiple of 64 bytes and ended by a newline, then the raw data.
 * Reads float32 and float64 in either byte order and either memory order; writes float64
 * little-endian C order (version 1.0), byte for byte as {@code np.save} does for a float64 array.
 */
public final class NpyFormat {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyFormat() {}

  /**
   * @param source names the input in error messages
   * @throws IllegalArgumentException when the bytes are not a float32/float64 .npy array
   */
  public static NpyArray read(InputStream in, String source) throws IOException {
    DataInputStream data = new DataInputStream(in);
    byte[] magic = new byte[MAGIC.length];
    data.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException(source + " is not a .npy file (no \\x93NUMPY magic)");
    }
    int major = data.readUnsignedByte();
    data.readUnsignedByte(); // minor version
    long headerLength;
    if (major == 1) {
      headerLength = Short.toUnsignedInt(Short.reverseBytes(data.readShort()));
    } else if (major == 2 || major == 3) {
      headerLength = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
    } else {
      throw new IllegalArgumentException(
          source + " has .npy format version " + major + "; expected 1, 2 or 3");
    }
    if (headerLength > 1 << 20) {
      throw new IllegalArgumentException(source + " declares a " + headerLength + "-byte header");
    }
    byte[] headerBytes = new byte[(int) headerLength];
    data.readFully(headerBytes);
    String header =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = find(DESCR, header, "descr", source);
    boolean fortran = find(FORTRAN, header, "fortran_order", source).equals("True");
    int[] shape = parseShape(find(SHAPE, header, "shape", source), source);

    if (descr.length() != 3 || "<>|=".indexOf(descr.charAt(0)) < 0 || descr.charAt(1) != 'f') {
      throw new IllegalArgumentException(
          source + " holds dtype '" + descr + "'; expected float32 ('<f4') or float64 ('<f8')");
    }
    int width = descr.charAt(2) - '0';
    if (width != 4 && width != 8) {
      throw new IllegalArgumentException(
          source + " holds dtype '" + descr + "'; expected float32 ('<f4') or float64 ('<f8')");
    }
    ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    long count = 1;
    for (int size : shape) {
      count *= size;
    }
    if (count * width > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          source + " holds " + count + " values, more than one Java array can hold");
    }
    double[] values = new double[(int) count];
    byte[] chunk = new byte[1 << 16];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(order);
    int next = 0;
    while (next < count) {
      int bytes = (int) Math.min(chunk.length, (count - next) * width);
      try {
        data.readFully(chunk, 0, bytes);
      } catch (java.io.EOFException e) {
        throw new IllegalArgumentException(
            source + " ends before the " + count + " values its header declares");
      }
      buffer.clear();
      for (int i = 0; i < bytes / width; i++) {
        values[next++] = width == 8 ? buffer.getDouble() : buffer.getFloat();
      }
    }
    if (fortran && shape.length > 1) {
      values = fortranToC(values, shape);
    }
    return new NpyArray(shape, values);
  }

  /** The bytes of a float64 little-endian C-order .npy file (format 1.0) holding the array. */
  public static byte[] toBytes(NpyArray array) {
    StringBuilder shape = new StringBuilder("(");
    int[] sizes = array.shape();
    for (int axis = 0; axis < sizes.length; axis++) {
      shape.append(axis == 0 ? "" : ", ").append(sizes[axis]);
    }
    shape.append(sizes.length == 1 ? ",)" : ")"); // Python's tuples: (5,), (2, 3), ()
    // Like np.save: room for the first axis to grow to 21 digits, then spaces up to a multiple of
    // 64 bytes, then a newline; so the bytes match numpy's for the same array.
    String dict =
        "{'descr': '<f8', 'fortran_order': False, 'shape': "
            + shape
            + ", }"
            + (sizes.length > 0 ? " ".repeat(21 - Integer.toString(sizes[0]).length()) : "");
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(unpadded + padding + 8 * array.values().length);
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer data = ByteBuffer.allocate(8 * array.values().length).order(ByteOrder.LITTLE_ENDIAN);
    data.asDoubleBuffer().put(array.values());
    out.writeBytes(data.array());
    return out.toByteArray();
  }

  private static String find(Pattern pattern, String header, String key, String source) {
    Matcher matcher = pattern.matcher(header);
    if (!matcher.find()) {
      throw new IllegalArgumentException(
          source + " has a .npy header without '" + key + "': " + header.strip());
    }
    return matcher.group(1);
  }

  private static int[] parseShape(String text, String source) {
    String[] parts = text.split(",");
    int count = 0;
    int[] shape = new int[parts.length];
    for (String part : parts) {
      String trimmed = part.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        shape[count++] = Integer.parseInt(trimmed.replace("L", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + " has a .npy shape '(" + text + ")'");
      }
    }
    return Arrays.copyOf(shape, count);
  }

  private static double[] fortranToC(double[] values, int[] shape) {
    int rank = shape.length;
    double[] out = new double[values.length];
    int[] index = new int[rank];
    for (int f = 0; f < values.length; f++) {
      // f walks Fortran order (first axis fastest); place each value at its C-order position.
      int c = 0;
      for (int axis = 0; axis < rank; axis++) {
        c = c * shape[axis] + index[axis];
      }
      out[c] = values[f];
      for (int axis = 0; axis < rank && ++index[axis] == shape[axis]; axis++) {
        index[axis] = 0;
      }
    }
    return out;
  }
}

package org.dalle.models.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the safetensors format (Hugging Face), which PyTorch, JAX and most model tools read: an
 * 8-byte little-endian header length, a JSON header mapping every tensor name to its {@code dtype},
 * {@code shape} and {@code data_offsets} (begin and end in the data section) plus an optional
 * {@code __metadata__} map of strings, then the tensors' bytes, little-endian, one after another in
 * header order.
 *
 * <p>Written here rather than with DJL's encoder for three reasons: the header carries metadata,
 * offsets are 64-bit (DJL's are {@code int}, which caps a file at 2 GiB), and the header is padded
 * with spaces to a multiple of 8 bytes, so every tensor starts aligned as the reference writer
 * keeps them.
 */
public final class Safetensors {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Safetensors() {}

  /**
   * Writes {@code tensors} (in their map order) with {@code metadata} to {@code out}; arrays may
   * live on any device and keep their data type.
   *
   * @throws IllegalArgumentException when a data type has no safetensors name or a name is {@code
   *     __metadata__}
   */
  public static void write(
      Map<String, NDArray> tensors, Map<String, String> metadata, OutputStream out)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, NDArray> tensor : tensors.entrySet()) {
      if (tensor.getKey().equals("__metadata__")) {
        throw new IllegalArgumentException("a tensor may not be named __metadata__");
      }
      NDArray array = tensor.getValue();
      long bytes = array.size() * array.getDataType().getNumOfBytes();
      ObjectNode entry = header.putObject(tensor.getKey());
      entry.put("dtype", dtype(array.getDataType(), tensor.getKey()));
      long[] shape = array.getShape().getShape();
      entry
          .putArray("shape")
          .addAll(Arrays.stream(shape).mapToObj(JSON.getNodeFactory()::numberNode).toList());
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = Arrays.copyOf(json, padded);
    Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
    out.write(headerBytes);
    for (NDArray array : tensors.values()) {
      out.write(littleEndianBytes(array));
    }
  }

  /** The safetensors name of {@code type}, e.g. {@code F32}. */
  static String dtype(DataType type, String tensor) {
    return switch (type) {
      case FLOAT64 -> "F64";
      case FLOAT32 -> "F32";
      case FLOAT16 -> "F16";
      case BFLOAT16 -> "BF16";
      case INT64 -> "I64";
      case INT32 -> "I32";
      case INT8 -> "I8";
      case UINT8 -> "U8";
      case BOOLEAN -> "BOOL";
      default ->
          throw new IllegalArgumentException(
              "tensor '" + tensor + "' is " + type + ", which safetensors has no name for");
    };
  }

  /** DJL hands out an array's bytes in the platform's order; safetensors wants little-endian. */
  private static byte[] littleEndianBytes(NDArray array) {
    ByteBuffer data = array.toByteBuffer();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    int width = array.getDataType().getNumOfBytes();
    if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN && width > 1) {
      for (int start = 0; start < bytes.length; start += width) {
        for (int i = 0, j = width - 1; i < j; i++, j--) {
          byte swap = bytes[start + i];
          bytes[start + i] = bytes[start + j];
          bytes[start + j] = swap;
        }
      }
    }
    return bytes;
  }
}

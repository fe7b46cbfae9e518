package org.dalle.collective;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The frames a trainer and its collective helper exchange over a Unix domain socket; the arrays
 * themselves never cross it: they lie in a shared-memory file that both processes map.
 *
 * <pre>
 *   request  int op, int elementType, long byteOffset, long count, int root, int group,
 *            [UTF path: MAP only]
 *   reply    int status (0 ok, 1 failed), long nanos, [UTF message: failed only]
 * </pre>
 *
 * Integers are big-endian ({@link DataOutputStream}). The helper answers every request with one
 * reply, in the order of the requests, so a trainer may send several before reading (pipelining: it
 * fills the next bucket while the helper reduces the last). Before the first request the helper
 * sends one reply of its own: ok once its process group is up, failed with the reason otherwise.
 * {@code nanos} is the time the helper spent in the collective itself, for the step's breakdown.
 * The region of a request is {@code count} elements of {@code elementType} from {@code byteOffset}
 * of the mapped segment; {@code group} the process group it runs on ({@link CollectiveGroup}), and
 * {@code root} the source rank of a broadcast, numbered within that group.
 */
public final class HelperProtocol {

  private HelperProtocol() {}

  /**
   * One request.
   *
   * @param op what to do
   * @param type the element type of the region
   * @param byteOffset where the region starts in the segment, a multiple of the element size
   * @param count elements in the region
   * @param root the source rank of a broadcast within {@code group}, otherwise 0
   * @param group the process group the collective runs on
   * @param path the segment file of a {@link CollectiveOp#MAP}, otherwise empty
   */
  public record Request(
      CollectiveOp op,
      ElementType type,
      long byteOffset,
      long count,
      int root,
      CollectiveGroup group,
      String path) {

    public Request {
      if (byteOffset < 0 || byteOffset % type.bytes() != 0) {
        throw new IllegalArgumentException(
            "byte offset " + byteOffset + " is not a non-negative multiple of " + type.bytes());
      }
      if (count < 0) {
        throw new IllegalArgumentException("count " + count + " is negative");
      }
      if ((op == CollectiveOp.MAP) == path.isEmpty()) {
        throw new IllegalArgumentException("a path goes with MAP and only with it; got " + op);
      }
    }

    /**
     * A request on the region of {@code count} elements from {@code byteOffset}, over all ranks.
     */
    public static Request on(
        CollectiveOp op, ElementType type, long byteOffset, long count, int root) {
      return on(op, type, byteOffset, count, root, CollectiveGroup.WORLD);
    }

    /**
     * A request on the region of {@code count} elements from {@code byteOffset}, in {@code group}.
     */
    public static Request on(
        CollectiveOp op,
        ElementType type,
        long byteOffset,
        long count,
        int root,
        CollectiveGroup group) {
      return new Request(op, type, byteOffset, count, root, group, "");
    }

    /** The request that maps {@code bytes} of the file at {@code path}. */
    public static Request map(String path, long bytes) {
      return new Request(
          CollectiveOp.MAP, ElementType.FLOAT32, 0, bytes / 4, 0, CollectiveGroup.WORLD, path);
    }

    /** The region's length in bytes. */
    public long bytes() {
      return count * type.bytes();
    }

    public void writeTo(DataOutputStream out) throws IOException {
      out.writeInt(op.code());
      out.writeInt(type.code());
      out.writeLong(byteOffset);
      out.writeLong(count);
      out.writeInt(root);
      out.writeInt(group.code());
      if (op == CollectiveOp.MAP) {
        out.writeUTF(path);
      }
    }

    public static Request readFrom(DataInputStream in) throws IOException {
      CollectiveOp op = CollectiveOp.ofCode(in.readInt());
      ElementType type = ElementType.ofCode(in.readInt());
      long offset = in.readLong();
      long count = in.readLong();
      int root = in.readInt();
      CollectiveGroup group = CollectiveGroup.ofCode(in.readInt());
      String path = op == CollectiveOp.MAP ? in.readUTF() : "";
      return new Request(op, type, offset, count, root, group, path);
    }
  }

  /**
   * One reply.
   *
   * @param ok whether the request succeeded
   * @param nanos time spent in the collective
   * @param message why it failed; empty when ok
   */
  public record Reply(boolean ok, long nanos, String message) {

    public static Reply success(long nanos) {
      return new Reply(true, nanos, "");
    }

    public static Reply failure(String message) {
      return new Reply(false, 0, message);
    }

    public void writeTo(DataOutputStream out) throws IOException {
      out.writeInt(ok ? 0 : 1);
      out.writeLong(nanos);
      if (!ok) {
        // writeUTF takes at most 65535 bytes; a native stack trace can be longer.
        out.writeUTF(message.length() > 16_000 ? message.substring(0, 16_000) : message);
      }
    }

    public static Reply readFrom(DataInputStream in) throws IOException {
      int status = in.readInt();
      long nanos = in.readLong();
      if (status == 0) {
        return success(nanos);
      }
      if (status != 1) {
        throw new IOException("reply status " + status + "; expected 0 or 1");
      }
      return failure(in.readUTF());
    }
  }
}

package org.dalle.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.dalle.collective.HelperProtocol.Reply;
import org.dalle.collective.HelperProtocol.Request;
import org.junit.jupiter.api.Test;

class HelperProtocolTest {

  @Test
  void framesReadBackAsWritten() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    Request map = Request.map("/dev/shm/x.seg", 4096);
    Request broadcast =
        Request.on(CollectiveOp.BROADCAST, ElementType.FLOAT64, 64, 10, 1, CollectiveGroup.NODE);
    map.writeTo(out);
    broadcast.writeTo(out);
    Reply.success(1234).writeTo(out);
    Reply.failure("rank 1 helper: ALL_REDUCE_MEAN failed").writeTo(out);

    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    assertEquals(map, Request.readFrom(in));
    assertEquals(broadcast, Request.readFrom(in));
    assertEquals(80, broadcast.bytes());
    assertEquals(Reply.success(1234), Reply.readFrom(in));
    assertEquals(Reply.failure("rank 1 helper: ALL_REDUCE_MEAN failed"), Reply.readFrom(in));
  }

  @Test
  void regionsMustBeAlignedToTheirElementType() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Request.on(CollectiveOp.ALL_REDUCE_SUM, ElementType.FLOAT64, 4, 1, 0));
  }
}

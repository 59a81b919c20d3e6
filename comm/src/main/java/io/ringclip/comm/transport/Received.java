package io.ringclip.comm.transport;

import java.nio.ByteBuffer;

/** A message taken from the mailbox. Its bytes stay valid until {@link #close()}, which frees them. */
public interface Received extends AutoCloseable {

    /** Wire dtype code from the sender's header. */
    int dtype();

    /** The payload, little-endian, position 0, limit = payload length. */
    ByteBuffer payload();

    @Override
    void close();
}

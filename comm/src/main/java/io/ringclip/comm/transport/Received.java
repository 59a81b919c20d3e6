package io.ringclip.comm.transport;

import java.nio.ByteBuffer;

/** A message taken from the mailbox. Its bytes stay valid until {@link #close()}, which frees them. */
public interface Received extends AutoCloseable {

    /** Wire dtype code from the sender's header. */
    int dtype();

    /**
     * A fresh view of the payload, little-endian, position 0, limit = payload length. Views share the
     * message's own bytes: what is written through one is what {@link Transport#forward} then sends.
     */
    ByteBuffer payload();

    @Override
    void close();
}

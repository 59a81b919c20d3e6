package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.ringclip.comm.transport.Received;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A decoded frame. It owns one reference to {@code payload}: whoever ends up holding the frame (the
 * mailbox, then the op thread) releases it exactly once through {@link #close()}.
 */
public final class InboundFrame implements Received {

    private final byte kind;
    private final int dtype;
    private final long opSeq;
    private final int segmentIndex;
    private final ByteBuf payload;

    /** @param payload one contiguous region (a slice of a read, or a gathered buffer), owned from here on */
    InboundFrame(byte kind, int dtype, long opSeq, int segmentIndex, ByteBuf payload) {
        if (payload.nioBufferCount() != 1) {
            payload.release();
            throw new IllegalArgumentException("payload must be one contiguous buffer: nioBufferCount="
                    + payload.nioBufferCount());
        }
        this.kind = kind;
        this.dtype = dtype;
        this.opSeq = opSeq;
        this.segmentIndex = segmentIndex;
        this.payload = payload;
    }

    public byte kind() {
        return kind;
    }

    @Override
    public int dtype() {
        return dtype;
    }

    public long opSeq() {
        return opSeq;
    }

    public int segmentIndex() {
        return segmentIndex;
    }

    /** The payload bytes as a Netty buffer (still owned by this frame). */
    public ByteBuf content() {
        return payload;
    }

    /** A view of the payload's own memory (writes go to the bytes {@link NettyTransport#forward} sends). */
    @Override
    public ByteBuffer payload() {
        return payload.nioBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        payload.release();
    }
}

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

    InboundFrame(byte kind, int dtype, long opSeq, int segmentIndex, ByteBuf payload) {
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

    @Override
    public ByteBuffer payload() {
        ByteBuffer view = payload.nioBufferCount() == 1
                ? payload.nioBuffer()
                : ByteBuffer.wrap(io.netty.buffer.ByteBufUtil.getBytes(payload));
        return view.order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        payload.release();
    }
}

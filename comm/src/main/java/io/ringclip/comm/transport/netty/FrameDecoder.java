package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Cuts the byte stream of one authenticated connection into {@link InboundFrame}s (layout in
 * {@link FrameHeader}) and rejects frames that do not belong here: bad magic or version, unknown
 * kind or dtype, a payload longer than {@code maxPayloadBytes}, or another job's or generation's
 * header. A rejected stream is dead: the decoder throws once and then discards everything.
 * A DATA_SHM descriptor comes out as a DATA frame whose payload is the named slot of the peer's
 * shared-memory lane ({@link #useLane}); a descriptor without a lane, out of range or naming a free
 * slot is a corrupt stream.
 *
 * <p>Copies: none of payload bytes, normally. A payload that lies whole inside one socket read is
 * handed on as a retained slice of that read. A payload split across reads is completed in place: the
 * channel's next reads are steered ({@link SteeredReads}) into the free space of the read buffer right
 * behind the part already read, so the payload ends up contiguous there and is sliced out. Only when
 * that buffer has no room left is the payload moved into an exact-size buffer of its own (copying the
 * part already read), which the next reads then fill; {@link SteeredReads} sizes normal reads in
 * whole frames so that this is rare (at n = 3, 64 MiB: 0.4 of 13.3 GB per rank copied, was 6.7). A
 * split header is gathered into a 40-byte array. Every call consumes all of its input. That keeps
 * {@link ByteToMessageDecoder}'s cumulation empty: with slices of earlier reads still held by the op
 * thread, a non-empty cumulation would be re-allocated and every following read copied into it.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final long jobIdHash;
    private final long generation;
    private final int maxPayloadBytes;
    private boolean corrupted;
    /** The first {@code headerFill} bytes of a header split across reads. */
    private final byte[] splitHeader = new byte[FrameHeader.BYTES];
    private int headerFill;
    /** Header fields of the frame whose payload is being completed in {@code gathering}. */
    private byte kind;
    private int dtype;
    private long opSeq;
    private int segment;
    /**
     * The buffer a split payload is being completed in (one reference held here), null between frames:
     * the read buffer it started in, or a buffer of its own. The payload is
     * {@code [payloadStart, payloadEnd)}; it is complete when the writer index reaches {@code payloadEnd}.
     */
    private ByteBuf gathering;
    private int payloadStart;
    private int payloadEnd;
    /** Where the channel's reads land; pointed at {@code gathering} while there is one. */
    private final SteeredReads reads;
    /** Payload bytes this decoder copied to complete split payloads, for tests. */
    private long gatheredByCopy;
    /** The peer's lane into this process, once mapped: DATA_SHM frames point into it. */
    private ShmLane lane;

    /** A decoder whose reads are not steered (split payloads are completed by copying), e.g. on an {@code EmbeddedChannel}. */
    public FrameDecoder(long jobIdHash, long generation, int maxPayloadBytes) {
        this(jobIdHash, generation, maxPayloadBytes, SteeredReads.detached());
    }

    /** @param reads the channel's receive-buffer allocator, which this decoder steers */
    FrameDecoder(long jobIdHash, long generation, int maxPayloadBytes, SteeredReads reads) {
        this.jobIdHash = jobIdHash;
        this.generation = generation;
        this.maxPayloadBytes = maxPayloadBytes;
        this.reads = reads;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!corrupted && in.isReadable()) {
            if (gathering != null) {
                continueSplitPayload(in, out);
                continue;
            }
            int length;
            if (headerFill > 0 || in.readableBytes() < FrameHeader.BYTES) {
                // wait until the whole header is available, keeping its first bytes aside
                int n = Math.min(in.readableBytes(), FrameHeader.BYTES - headerFill);
                in.readBytes(splitHeader, headerFill, n);
                headerFill += n;
                if (headerFill < FrameHeader.BYTES) {
                    return;
                }
                headerFill = 0;
                length = readHeader(Unpooled.wrappedBuffer(splitHeader), 0, in);
            } else {
                length = readHeader(in, in.readerIndex(), in);
                in.skipBytes(FrameHeader.BYTES);
            }
            if (corrupted) {
                break;
            }
            if (kind == FrameHeader.KIND_DATA) {
                reads.frameSeen(FrameHeader.BYTES + length);
            }
            if (in.readableBytes() >= length) {
                out.add(frame(in.readRetainedSlice(length), in));
            } else {
                startSplitPayload(ctx, in, length);
            }
        }
        if (corrupted) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** {@code in} holds only the first part of a {@code length}-byte payload: consume it, steer the next reads. */
    private void startSplitPayload(ChannelHandlerContext ctx, ByteBuf in, int length) {
        int have = in.readableBytes();
        if (in.isContiguous() && in.writableBytes() >= length - have) {
            // room behind it in this read's buffer: the rest is read right there (its bytes stay put)
            gathering = in.retain();
            payloadStart = in.readerIndex();
            in.skipBytes(have);
        } else {
            gathering = ctx.alloc().directBuffer(length, length);
            payloadStart = 0;
            gathering.writeBytes(in, have);
            gatheredByCopy += have;
        }
        payloadEnd = payloadStart + length;
        reads.steerInto(gathering, payloadEnd);
    }

    /** The next bytes of a split payload: already in place if the read was steered, else copied there. */
    private void continueSplitPayload(ByteBuf in, List<Object> out) {
        if (reads.landedInPlace(in)) {
            int landed = in.readableBytes();
            gathering.writerIndex(gathering.writerIndex() + landed);
            in.skipBytes(landed);
        } else {
            int copied = Math.min(in.readableBytes(), payloadEnd - gathering.writerIndex());
            gathering.writeBytes(in, copied);
            gatheredByCopy += copied;
        }
        if (gathering.writerIndex() == payloadEnd) {
            reads.stop();
            ByteBuf payload = gathering.retainedSlice(payloadStart, payloadEnd - payloadStart);
            releaseGathering();
            out.add(frame(payload, in));
        }
    }

    /** The frame of the header just read; a DATA_SHM descriptor becomes a DATA frame over its lane slot. */
    private InboundFrame frame(ByteBuf payload, ByteBuf in) {
        if (kind != FrameHeader.KIND_DATA_SHM) {
            return new InboundFrame(kind, dtype, opSeq, segment, payload);
        }
        int slot = payload.getInt(payload.readerIndex());
        int bytes = payload.getInt(payload.readerIndex() + 4);
        payload.release();
        ByteBuf slotPayload;
        try {
            slotPayload = lane.take(slot, bytes);
        } catch (IllegalArgumentException e) {
            throw corrupt(in, e.getMessage());
        }
        return new InboundFrame(FrameHeader.KIND_DATA, dtype, opSeq, segment, slotPayload);
    }

    /** Validates the header at {@code header[start, start + 40)}, keeps its fields, returns the payload length. */
    private int readHeader(ByteBuf header, int start, ByteBuf in) {
        int magic = header.getInt(start + FrameHeader.MAGIC_OFFSET);
        if (magic != FrameHeader.MAGIC) {
            throw corrupt(in, "bad magic: magic=0x" + Integer.toHexString(magic));
        }
        byte version = header.getByte(start + FrameHeader.VERSION_OFFSET);
        if (version != FrameHeader.VERSION) {
            throw corrupt(in, "unsupported version: version=" + version + ", supported=" + FrameHeader.VERSION);
        }
        kind = header.getByte(start + FrameHeader.KIND_OFFSET);
        dtype = header.getUnsignedByte(start + FrameHeader.DTYPE_OFFSET);
        boolean data = kind == FrameHeader.KIND_DATA || kind == FrameHeader.KIND_DATA_SHM;
        if (data ? (dtype < 1 || dtype > 3) : (kind < FrameHeader.KIND_ABORT || kind > FrameHeader.KIND_LANE_CREDIT)) {
            throw corrupt(in, "unknown frame kind or dtype: kind=" + kind + ", dtype=" + dtype);
        }
        long frameJob = header.getLong(start + FrameHeader.JOB_HASH_OFFSET);
        if (frameJob != jobIdHash) {
            throw corrupt(in, "frame from another job: jobIdHash=0x" + Long.toHexString(frameJob)
                    + ", expected=0x" + Long.toHexString(jobIdHash));
        }
        long frameGeneration = header.getLong(start + FrameHeader.GENERATION_OFFSET);
        if (frameGeneration != generation) {
            throw corrupt(in, "frame from another generation: generation=" + frameGeneration + ", expected=" + generation);
        }
        int length = header.getInt(start + FrameHeader.LENGTH_OFFSET);
        if (length < 0 || length > maxPayloadBytes) {
            throw corrupt(in, "bad payload length: length=" + length + ", max=" + maxPayloadBytes);
        }
        if (kind == FrameHeader.KIND_DATA_SHM && (lane == null || length != FrameHeader.SHM_DESCRIPTOR_BYTES)) {
            throw corrupt(in, lane == null ? "shared-memory frame on a link without a lane"
                    : "bad shared-memory descriptor length: length=" + length);
        }
        opSeq = header.getLong(start + FrameHeader.OP_SEQ_OFFSET);
        segment = header.getInt(start + FrameHeader.SEGMENT_OFFSET);
        return length;
    }

    /** A connection closing mid-frame leaves a partly gathered payload: free it; and unmap the peer's lane. */
    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseGathering();
        if (lane != null) {
            lane.release(); // now, or once the last payload read from it is released
        }
    }

    /** From now on DATA_SHM frames are read from {@code lane} (event loop, before the peer is told). */
    void useLane(ShmLane lane) {
        this.lane = lane;
    }

    /** Payload bytes this decoder copied to complete split payloads (steered reads are not counted). */
    long gatheredByCopy() {
        return gatheredByCopy;
    }

    private void releaseGathering() {
        reads.stop();
        if (gathering != null) {
            gathering.release();
            gathering = null;
        }
    }

    private CorruptedFrameException corrupt(ByteBuf in, String reason) {
        corrupted = true;
        releaseGathering();
        in.skipBytes(in.readableBytes());
        return new CorruptedFrameException(reason);
    }
}

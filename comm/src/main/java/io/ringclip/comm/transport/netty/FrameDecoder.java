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
 *
 * <p>Copies: a payload that lies whole inside one socket read is handed on as a retained slice of
 * that read (no copy). A payload split across reads is gathered into its own exact-size buffer, and
 * a split header into a 40-byte array, so every call consumes all of its input. That keeps
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
    /** Header fields of the frame whose payload is being gathered into {@code gathering}. */
    private byte kind;
    private int dtype;
    private long opSeq;
    private int segment;
    /** Payload of a frame split across reads; null between frames. */
    private ByteBuf gathering;

    public FrameDecoder(long jobIdHash, long generation, int maxPayloadBytes) {
        this.jobIdHash = jobIdHash;
        this.generation = generation;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!corrupted && in.isReadable()) {
            if (gathering != null) {
                // the rest of a split payload
                gathering.writeBytes(in, Math.min(in.readableBytes(), gathering.writableBytes()));
                if (!gathering.isWritable()) {
                    out.add(new InboundFrame(kind, dtype, opSeq, segment, gathering));
                    gathering = null;
                }
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
            if (in.readableBytes() >= length) {
                out.add(new InboundFrame(kind, dtype, opSeq, segment, in.readRetainedSlice(length)));
            } else {
                // wait until the whole payload is available, gathering it in its own buffer
                gathering = ctx.alloc().directBuffer(length, length);
            }
        }
        if (corrupted) {
            in.skipBytes(in.readableBytes());
        }
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
        if (kind == FrameHeader.KIND_DATA ? (dtype < 1 || dtype > 3)
                : (kind != FrameHeader.KIND_ABORT && kind != FrameHeader.KIND_BYE)) {
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
        opSeq = header.getLong(start + FrameHeader.OP_SEQ_OFFSET);
        segment = header.getInt(start + FrameHeader.SEGMENT_OFFSET);
        return length;
    }

    /** A connection closing mid-frame leaves a partly gathered payload: free it. */
    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseGathering();
    }

    private void releaseGathering() {
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

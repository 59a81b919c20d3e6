package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Cuts the byte stream of one authenticated connection into {@link InboundFrame}s (layout in
 * {@link FrameHeader}) and rejects frames that do not belong here: bad magic or version, unknown
 * kind or dtype, a payload longer than {@code maxPayloadBytes}, or another job's or generation's
 * header. A rejected stream is dead: the decoder throws once and then discards everything.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

    private final long jobIdHash;
    private final long generation;
    private final int maxPayloadBytes;
    private boolean corrupted;

    public FrameDecoder(long jobIdHash, long generation, int maxPayloadBytes) {
        this.jobIdHash = jobIdHash;
        this.generation = generation;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupted) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // wait until the header is available
        if (in.readableBytes() < FrameHeader.BYTES) {
            return;
        }
        int start = in.readerIndex();
        int magic = in.getInt(start + FrameHeader.MAGIC_OFFSET);
        if (magic != FrameHeader.MAGIC) {
            throw corrupt(in, "bad magic: magic=0x" + Integer.toHexString(magic));
        }
        byte version = in.getByte(start + FrameHeader.VERSION_OFFSET);
        if (version != FrameHeader.VERSION) {
            throw corrupt(in, "unsupported version: version=" + version + ", supported=" + FrameHeader.VERSION);
        }
        byte kind = in.getByte(start + FrameHeader.KIND_OFFSET);
        int dtype = in.getUnsignedByte(start + FrameHeader.DTYPE_OFFSET);
        if (kind == FrameHeader.KIND_DATA ? (dtype < 1 || dtype > 3)
                : (kind != FrameHeader.KIND_ABORT && kind != FrameHeader.KIND_BYE)) {
            throw corrupt(in, "unknown frame kind or dtype: kind=" + kind + ", dtype=" + dtype);
        }
        long frameJob = in.getLong(start + FrameHeader.JOB_HASH_OFFSET);
        if (frameJob != jobIdHash) {
            throw corrupt(in, "frame from another job: jobIdHash=0x" + Long.toHexString(frameJob)
                    + ", expected=0x" + Long.toHexString(jobIdHash));
        }
        long frameGeneration = in.getLong(start + FrameHeader.GENERATION_OFFSET);
        if (frameGeneration != generation) {
            throw corrupt(in, "frame from another generation: generation=" + frameGeneration + ", expected=" + generation);
        }
        int length = in.getInt(start + FrameHeader.LENGTH_OFFSET);
        if (length < 0 || length > maxPayloadBytes) {
            throw corrupt(in, "bad payload length: length=" + length + ", max=" + maxPayloadBytes);
        }
        // wait until the whole payload is available
        if (in.readableBytes() < FrameHeader.BYTES + length) {
            return;
        }
        long opSeq = in.getLong(start + FrameHeader.OP_SEQ_OFFSET);
        int segment = in.getInt(start + FrameHeader.SEGMENT_OFFSET);
        in.skipBytes(FrameHeader.BYTES);
        out.add(new InboundFrame(kind, dtype, opSeq, segment, in.readRetainedSlice(length)));
    }

    private CorruptedFrameException corrupt(ByteBuf in, String reason) {
        corrupted = true;
        in.skipBytes(in.readableBytes());
        return new CorruptedFrameException(reason);
    }
}

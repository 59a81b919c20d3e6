package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;

/**
 * The 40-byte header in front of every frame after the handshake. Header fields are big-endian
 * (network order); the payload that follows is little-endian elements of {@code dtype}.
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +---------------------------------------------------------------+
 * |                 magic 0x52434C50 ("RCLP")                     |  0
 * +---------------+---------------+---------------+---------------+
 * |   version=1   |     kind      |     dtype     |  reserved=0   |  4
 * +---------------+---------------+---------------+---------------+
 * |                 job id hash (int64, FNV-1a of the job id)     |  8
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                 generation (int64)                            | 16
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                 op sequence (int64)                           | 24
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                 segment index (int32): message ordinal of     | 32
 * |                 this op on this link                          |
 * +---------------------------------------------------------------+
 * |                 payload length in bytes (int32)               | 36
 * +---------------------------------------------------------------+
 * |                 payload ...                                   | 40
 * </pre>
 *
 * kind:
 * <ul>
 * <li>1 DATA: payload = elements;
 * <li>2 ABORT: payload = UTF-8 reason;
 * <li>3 BYE: empty;
 * <li>4 DATA_SHM: a DATA frame whose payload lies in the link's shared-memory lane ({@link ShmLane}); the
 *     8-byte payload here is its descriptor: slot int32, payload length int32;
 * <li>5 LANE_OFFER: the sender's lane file: nonce int64, slot count int32, slot bytes int32, file name (UTF-8);
 * <li>6 LANE_REPLY: nonce int64 of the offer, then 1 byte: 1 mapped (DATA_SHM may follow), 0 declined;
 * <li>7 LANE_CREDIT: empty; the receiver freed a lane slot while the sender was waiting for one.
 * </ul>
 * dtype: 1 fp32, 2 fp16, 3 bf16 (see {@link io.ringclip.comm.WireFormat#code()}) for DATA and DATA_SHM;
 * 0 for the others.
 *
 * <p>Example, a DATA frame carrying two fp32 values {1.0, 2.0} (job hash 0x1122334455667788,
 * generation 3, op 5, segment 0):
 * <pre>
 * 52 43 4C 50 | 01 01 01 00 | 11 22 33 44 55 66 77 88 | 00 00 00 00 00 00 00 03
 * 00 00 00 00 00 00 00 05 | 00 00 00 00 | 00 00 00 08 | 00 00 80 3F 00 00 00 40
 * </pre>
 */
public final class FrameHeader {

    public static final int MAGIC = 0x52434C50;
    public static final byte VERSION = 1;
    public static final int BYTES = 40;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 5;
    public static final int DTYPE_OFFSET = 6;
    public static final int JOB_HASH_OFFSET = 8;
    public static final int GENERATION_OFFSET = 16;
    public static final int OP_SEQ_OFFSET = 24;
    public static final int SEGMENT_OFFSET = 32;
    public static final int LENGTH_OFFSET = 36;

    public static final byte KIND_DATA = 1;
    public static final byte KIND_ABORT = 2;
    public static final byte KIND_BYE = 3;
    public static final byte KIND_DATA_SHM = 4;
    public static final byte KIND_LANE_OFFER = 5;
    public static final byte KIND_LANE_REPLY = 6;
    public static final byte KIND_LANE_CREDIT = 7;
    /** Payload bytes of a DATA_SHM frame: slot, then payload length. */
    public static final int SHM_DESCRIPTOR_BYTES = 8;

    private FrameHeader() {}

    /** Appends a header at the writer index of {@code out}. */
    public static void write(ByteBuf out, byte kind, int dtype, long jobIdHash, long generation, long opSeq,
            int segmentIndex, int payloadBytes) {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(kind);
        out.writeByte(dtype);
        out.writeByte(0);
        out.writeLong(jobIdHash);
        out.writeLong(generation);
        out.writeLong(opSeq);
        out.writeInt(segmentIndex);
        out.writeInt(payloadBytes);
    }
}

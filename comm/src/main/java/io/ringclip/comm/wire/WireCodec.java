package io.ringclip.comm.wire;

import io.ringclip.comm.WireFormat;
import java.nio.ByteBuffer;

/**
 * Converts fp32 ranges to and from wire bytes (little-endian). FP32 is a bulk copy; FP16 and BF16
 * convert through a {@code short[]} scratch first, because plain array loops over
 * {@link Float#floatToFloat16} are intrinsified and vectorised while per-element buffer puts are not
 * (see shared notes: ~7-9 G elements/s in cache).
 */
public final class WireCodec {

    private short[] halves = new short[0];

    /** Writes {@code src[offset, offset+length)} into {@code dst} from its position 0 (dst is little-endian). */
    public void encode(WireFormat wire, float[] src, int offset, int length, ByteBuffer dst) {
        switch (wire) {
            case FP32 -> dst.asFloatBuffer().put(src, offset, length);
            case FP16 -> {
                short[] h = halves(length);
                for (int i = 0; i < length; i++) {
                    h[i] = Float.floatToFloat16(src[offset + i]);
                }
                dst.asShortBuffer().put(h, 0, length);
            }
            case BF16 -> {
                short[] h = halves(length);
                for (int i = 0; i < length; i++) {
                    h[i] = Bf16.fromFloat(src[offset + i]);
                }
                dst.asShortBuffer().put(h, 0, length);
            }
        }
    }

    /** Reads {@code length} elements from {@code src} (position 0, little-endian) into {@code dst[offset, ...)}. */
    public void decode(WireFormat wire, ByteBuffer src, float[] dst, int offset, int length) {
        switch (wire) {
            case FP32 -> src.asFloatBuffer().get(dst, offset, length);
            case FP16 -> {
                short[] h = halves(length);
                src.asShortBuffer().get(h, 0, length);
                for (int i = 0; i < length; i++) {
                    dst[offset + i] = Float.float16ToFloat(h[i]);
                }
            }
            case BF16 -> {
                short[] h = halves(length);
                src.asShortBuffer().get(h, 0, length);
                for (int i = 0; i < length; i++) {
                    dst[offset + i] = Bf16.toFloat(h[i]);
                }
            }
        }
    }

    /**
     * Rounds {@code data[offset, offset+length)} to what the wire would carry, in place. The owner of a
     * reduced chunk does this before sharing it, so every rank ends with identical values.
     */
    public static void quantize(WireFormat wire, float[] data, int offset, int length) {
        switch (wire) {
            case FP32 -> { }
            case FP16 -> {
                for (int i = offset, end = offset + length; i < end; i++) {
                    data[i] = Float.float16ToFloat(Float.floatToFloat16(data[i]));
                }
            }
            case BF16 -> {
                for (int i = offset, end = offset + length; i < end; i++) {
                    data[i] = Bf16.toFloat(Bf16.fromFloat(data[i]));
                }
            }
        }
    }

    private short[] halves(int length) {
        if (halves.length < length) {
            halves = new short[length];
        }
        return halves;
    }
}

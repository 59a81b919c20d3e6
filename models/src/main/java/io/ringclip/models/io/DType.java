package io.ringclip.models.io;

import java.nio.ByteBuffer;

/**
 * Safetensors element types this code understands, with their byte width. Floating types read
 * into {@code float}: F32 as is, F16 (IEEE half) and BF16 (top 16 bits of an F32) widened
 * exactly, F64 narrowed with round-to-nearest. Integer types are recognised so a header that
 * names them gets a precise error instead of "unknown dtype".
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown safetensors dtype: dtype=" + name);
    }

    /** Reads one element at the buffer's position (little-endian buffer) as a float. */
    float readFloat(ByteBuffer le) {
        return switch (this) {
            case F32 -> le.getFloat();
            case F16 -> Float.float16ToFloat(le.getShort());
            case BF16 -> Float.intBitsToFloat((le.getShort() & 0xFFFF) << 16);
            case F64 -> (float) le.getDouble();
            default -> throw new IllegalStateException("not a floating dtype: dtype=" + this);
        };
    }
}

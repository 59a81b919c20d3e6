package io.ringclip.comm;

/**
 * Element type on the wire. Data and accumulation stay fp32; FP16 and BF16 halve the bytes moved
 * at the cost of rounding each transferred value (report them apart from fp32 busbw).
 */
public enum WireFormat {
    /** IEEE binary32, 4 bytes, exact. */
    FP32(1, 4),
    /** IEEE binary16, 2 bytes: 11-bit significand, max 65504; overflow becomes infinity. */
    FP16(2, 2),
    /** bfloat16, 2 bytes: the upper half of a float, rounded to nearest even; fp32's range, 8-bit significand. */
    BF16(3, 2);

    private final int code;
    private final int bytesPerElement;

    WireFormat(int code, int bytesPerElement) {
        this.code = code;
        this.bytesPerElement = bytesPerElement;
    }

    /** The dtype byte in frame headers. */
    public int code() {
        return code;
    }

    public int bytesPerElement() {
        return bytesPerElement;
    }

    public static WireFormat ofCode(int code) {
        for (WireFormat w : values()) {
            if (w.code == code) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown wire dtype: code=" + code);
    }
}

package io.ringclip.models.tensor;

/**
 * fp16 / bf16 rounding and packing of float arrays, round-to-nearest-even.
 *
 * <p>Minimal local helper until {@code io.ringclip.models.kernels.HalfFloats} lands; then these
 * methods delegate to it. fp16 uses {@link Float#floatToFloat16}, which the JIT intrinsifies
 * (vcvtps2ph, ~9 G elements/s in cache); bf16 is a 16-bit shift with rounding.
 */
public final class LowPrecision {

    private LowPrecision() {}

    /** Rounds {@code x[off, off+n)} in place to the nearest value representable in {@code p}. */
    public static void roundInPlace(Precision p, float[] x, int off, int n) {
        switch (p) {
            case FP32 -> { }
            case FP16 -> {
                for (int i = off, e = off + n; i < e; i++) {
                    x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
                }
            }
            case BF16 -> {
                for (int i = off, e = off + n; i < e; i++) {
                    x[i] = Float.intBitsToFloat(bf16Bits(x[i]) << 16);
                }
            }
        }
    }

    /** Packs {@code src[srcOff, +n)} into {@code dst[dstOff, +n)}, rounding. */
    public static void encode(Precision p, float[] src, int srcOff, short[] dst, int dstOff, int n) {
        if (p == Precision.FP16) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
            }
        } else if (p == Precision.BF16) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = (short) bf16Bits(src[srcOff + i]);
            }
        } else {
            throw new IllegalArgumentException("encode needs a 16-bit precision: precision=" + p);
        }
    }

    /** Unpacks {@code src[srcOff, +n)} into {@code dst[dstOff, +n)}. */
    public static void decode(Precision p, short[] src, int srcOff, float[] dst, int dstOff, int n) {
        if (p == Precision.FP16) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
            }
        } else if (p == Precision.BF16) {
            for (int i = 0; i < n; i++) {
                dst[dstOff + i] = Float.intBitsToFloat(src[srcOff + i] << 16);
            }
        } else {
            throw new IllegalArgumentException("decode needs a 16-bit precision: precision=" + p);
        }
    }

    /** The upper 16 bits of {@code x} after round-to-nearest-even; NaN stays NaN. */
    static int bf16Bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (bits >>> 16) | 0x40; // quiet NaN
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (bits + rounding) >>> 16;
    }
}

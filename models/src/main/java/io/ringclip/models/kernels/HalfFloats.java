package io.ringclip.models.kernels;

import java.util.Objects;

/**
 * Bulk conversions between fp32 ({@code float[]}) and the two 16-bit formats, stored as the raw
 * bits in {@code short[]}:
 *
 * <pre>
 *   fp16 (IEEE binary16): 1 sign, 5 exponent, 10 mantissa bits; max 65504, min normal 2⁻¹⁴,
 *                         min subnormal 2⁻²⁴
 *   bf16 (bfloat16):      1 sign, 8 exponent, 7 mantissa bits = the top half of an fp32
 * </pre>
 *
 * Every fp32 → 16-bit conversion rounds to nearest, ties to even; values beyond the largest
 * finite value become ±∞ and NaN stays NaN. The fp16 loops are plain scalar loops over
 * {@link Float#floatToFloat16} / {@link Float#float16ToFloat}: C2 intrinsifies and vectorises
 * them (vcvtps2ph / vcvtph2ps), which measured 4–8× faster than a Vector API bit-twiddling
 * version (notes/java-performance.md).
 *
 * <p>{@code roundTo…InPlace} quantise a {@code float[]} as 16-bit storage would and keep it
 * fp32: mixed precision uses them to emulate fp16/bf16 storage, overflow to ±∞ included.
 */
public final class HalfFloats {

    private static final int FLOAT_EXP_MASK = 0x7f80_0000;
    private static final int FLOAT_ABS_MASK = 0x7fff_ffff;
    /** Sets the top mantissa bit of a bf16 NaN so truncation can never turn it into ±∞. */
    private static final int BF16_QUIET_BIT = 0x0040;

    private HalfFloats() {}

    /** dst[dstOff + i] = fp16 bits of src[srcOff + i], i in [0, len). */
    public static void toFp16(float[] src, int srcOff, short[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    /** dst[dstOff + i] = the float value of the fp16 bits src[srcOff + i] (exact). */
    public static void fromFp16(short[] src, int srcOff, float[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
        }
    }

    /** dst[dstOff + i] = bf16 bits of src[srcOff + i], i in [0, len). */
    public static void toBf16(float[] src, int srcOff, short[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = floatToBf16(src[srcOff + i]);
        }
    }

    /** dst[dstOff + i] = the float value of the bf16 bits src[srcOff + i] (exact). */
    public static void fromBf16(short[] src, int srcOff, float[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        for (int i = 0; i < len; i++) {
            dst[dstOff + i] = bf16ToFloat(src[srcOff + i]);
        }
    }

    /** x[i] = the nearest fp16 value of x[i], as a float; ±∞ beyond ±65504, subnormals below 2⁻¹⁴. */
    public static void roundToFp16InPlace(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        for (int i = off; i < off + len; i++) {
            x[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
    }

    /** x[i] = the nearest bf16 value of x[i], as a float (the low 16 bits become zero). */
    public static void roundToBf16InPlace(float[] x, int off, int len) {
        Objects.checkFromIndexSize(off, len, x.length);
        for (int i = off; i < off + len; i++) {
            x[i] = bf16ToFloat(floatToBf16(x[i]));
        }
    }

    /** The bf16 bits nearest to f (ties to even); NaN stays NaN (sign and top payload bits kept). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & FLOAT_ABS_MASK) > FLOAT_EXP_MASK) {
            return (short) ((bits >>> 16) | BF16_QUIET_BIT);
        }
        // Add just under half an ulp of bf16, plus one when the kept lowest bit is odd: exact
        // halves then round to even. A carry into the exponent rounds up to the next binade or ∞.
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float value of bf16 bits (exact: bf16 is the top half of an fp32). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}

package io.ringclip.models.tensor;

import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.kernels.HalfFloats;

/**
 * Number format of the matmul inputs and of the activations a training forward saves for backward.
 * Master weights, gradients, layer norm, softmax and the losses are always fp32.
 */
public enum Precision {
    /** Everything in fp32. */
    FP32,
    /** IEEE half: 5-bit exponent, max 65504; activation gradients overflow to inf like PyTorch AMP. */
    FP16,
    /** bfloat16: fp32's exponent range with an 8-bit significand. */
    BF16;

    public boolean isLow() {
        return this != FP32;
    }

    /** Bytes per element of a saved activation. */
    public int bytesPerElement() {
        return this == FP32 ? 4 : 2;
    }

    /**
     * Conversions of at least this many elements are split over {@link Gemm#threads()} threads: they
     * are bandwidth-bound passes over whole activations (a 16-bit step makes a dozen per block).
     */
    private static final int PARALLEL_MIN_ELEMENTS = 1 << 16;

    /** Rounds {@code x[off, off+n)} in place to the nearest value of this format (fp16: ±∞ beyond ±65504). */
    public void roundInPlace(float[] x, int off, int n) {
        switch (this) {
            case FP32 -> { }
            case FP16 -> chunks(n, (s, e, w) -> HalfFloats.roundToFp16InPlace(x, off + s, e - s));
            case BF16 -> chunks(n, (s, e, w) -> HalfFloats.roundToBf16InPlace(x, off + s, e - s));
        }
    }

    /** Packs {@code src[srcOff, +n)} into 16-bit {@code dst[dstOff, +n)}, rounding. */
    public void encode(float[] src, int srcOff, short[] dst, int dstOff, int n) {
        switch (this) {
            case FP16 -> chunks(n, (s, e, w) -> HalfFloats.toFp16(src, srcOff + s, dst, dstOff + s, e - s));
            case BF16 -> chunks(n, (s, e, w) -> HalfFloats.toBf16(src, srcOff + s, dst, dstOff + s, e - s));
            case FP32 -> throw new IllegalArgumentException("encode needs a 16-bit precision: precision=" + this);
        }
    }

    /** Unpacks 16-bit {@code src[srcOff, +n)} into {@code dst[dstOff, +n)} (exact). */
    public void decode(short[] src, int srcOff, float[] dst, int dstOff, int n) {
        switch (this) {
            case FP16 -> chunks(n, (s, e, w) -> HalfFloats.fromFp16(src, srcOff + s, dst, dstOff + s, e - s));
            case BF16 -> chunks(n, (s, e, w) -> HalfFloats.fromBf16(src, srcOff + s, dst, dstOff + s, e - s));
            case FP32 -> throw new IllegalArgumentException("decode needs a 16-bit precision: precision=" + this);
        }
    }

    private static void chunks(int n, Parallel.RangeBody body) {
        Parallel.forRange(n, n < PARALLEL_MIN_ELEMENTS ? 1 : Gemm.threads(), body);
    }
}

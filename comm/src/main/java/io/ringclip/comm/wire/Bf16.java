package io.ringclip.comm.wire;

/** bfloat16: the upper 16 bits of an IEEE float (sign, 8 exponent bits, 7 mantissa bits). */
public final class Bf16 {

    private Bf16() {}

    /**
     * Rounds to the nearest bf16, ties to even (as PyTorch and XLA do). NaN stays a quiet NaN;
     * values past bf16's largest finite value round to infinity.
     */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040); // NaN: keep the sign and payload top, force quiet
        }
        int lsb = (bits >>> 16) & 1; // ties go to the even upper half
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }
}

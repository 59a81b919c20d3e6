package io.ringclip.models.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** fp16/bf16 conversions: exact round trips, ties to even, overflow, NaN, subnormals, slices. */
class HalfFloatsTest {

    // ---- fp16 ----

    @Test
    void shouldRoundTripEveryFp16BitPatternExactly() {
        short[] all = allShorts();
        float[] floats = new float[all.length];
        short[] back = new short[all.length];
        HalfFloats.fromFp16(all, 0, floats, 0, all.length);
        HalfFloats.toFp16(floats, 0, back, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            if (isFp16NaN(all[i])) {
                assertTrue(Float.isNaN(floats[i]), "bits=" + Integer.toHexString(i));
                assertTrue(isFp16NaN(back[i]), "bits=" + Integer.toHexString(i));
            } else {
                assertEquals(all[i], back[i], "bits=" + Integer.toHexString(i));
            }
        }
    }

    @Test
    void shouldRoundFp16TiesToEven() {
        assertEquals((short) 0x3c00, fp16(1f + 0x1p-11f));            // halfway 1 and 1+2⁻¹⁰: even is 1
        assertEquals((short) 0x3c02, fp16(1f + 3 * 0x1p-11f));        // halfway 1+2⁻¹⁰ and 1+2⁻⁹: even is up
        assertEquals((short) 0x3c01, fp16(1f + 0x1p-11f + 0x1p-20f)); // just above halfway: up
    }

    @Test
    void shouldOverflowFp16ToInfinity() {
        assertEquals((short) 0x7bff, fp16(65504f));                  // largest finite
        assertEquals((short) 0x7bff, fp16(65519.996f));              // below the halfway point to 2¹⁶
        assertEquals((short) 0x7c00, fp16(65520f));                  // halfway rounds to even = ∞
        assertEquals((short) 0xfc00, fp16(-1e6f));
        assertEquals((short) 0x7c00, fp16(Float.POSITIVE_INFINITY));
    }

    @Test
    void shouldKeepFp16SubnormalsAndFlushBelowHalfTheSmallest() {
        assertEquals((short) 0x0001, fp16(0x1p-24f));                // smallest subnormal
        assertEquals((short) 0x03ff, fp16(0x1p-14f - 0x1p-24f));     // largest subnormal
        assertEquals((short) 0x0000, fp16(0x1p-25f));                // tie with 0: even is 0
        assertEquals((short) 0x0001, fp16(1.5f * 0x1p-25f));
        assertEquals((short) 0x8000, fp16(-0x1p-26f));               // signed zero
    }

    @Test
    void shouldKeepNaNAsFp16NaN() {
        assertTrue(isFp16NaN(fp16(Float.NaN)));
        assertTrue(isFp16NaN(fp16(Float.intBitsToFloat(0xff800001))));
    }

    // ---- bf16 ----

    @Test
    void shouldRoundTripEveryBf16BitPatternExactly() {
        short[] all = allShorts();
        float[] floats = new float[all.length];
        short[] back = new short[all.length];
        HalfFloats.fromBf16(all, 0, floats, 0, all.length);
        HalfFloats.toBf16(floats, 0, back, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i << 16, Float.floatToRawIntBits(floats[i]), "bits=" + Integer.toHexString(i));
            if (Float.isNaN(floats[i])) {
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(back[i])), "bits=" + Integer.toHexString(i));
            } else {
                assertEquals(all[i], back[i], "bits=" + Integer.toHexString(i));
            }
        }
    }

    @Test
    void shouldRoundBf16TiesToEven() {
        assertEquals((short) 0x3f80, HalfFloats.floatToBf16(1f + 0x1p-8f));             // even is 1
        assertEquals((short) 0x3f82, HalfFloats.floatToBf16(1f + 3 * 0x1p-8f));         // even is up
        assertEquals((short) 0x3f81, HalfFloats.floatToBf16(1f + 0x1p-8f + 0x1p-20f));  // above halfway
        assertEquals((short) 0xbf80, HalfFloats.floatToBf16(-1f - 0x1p-8f));
    }

    @Test
    void shouldOverflowBf16ToInfinity() {
        assertEquals((short) 0x7f80, HalfFloats.floatToBf16(Float.MAX_VALUE));
        assertEquals((short) 0xff80, HalfFloats.floatToBf16(-Float.MAX_VALUE));
        assertEquals((short) 0x7f7f, HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f7f7fff)));
    }

    @Test
    void shouldRoundBf16SubnormalsToNearestEven() {
        assertEquals((short) 0x0000, HalfFloats.floatToBf16(Float.MIN_VALUE));
        assertEquals((short) 0x0001, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00010000)));
        assertEquals((short) 0x0000, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00008000))); // tie, even 0
        assertEquals((short) 0x0002, HalfFloats.floatToBf16(Float.intBitsToFloat(0x00018000))); // tie, even up
    }

    @Test
    void shouldKeepNaNAsBf16NaNEvenWithOnlyLowPayloadBits() {
        short nan = HalfFloats.floatToBf16(Float.intBitsToFloat(0x7f800001));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(nan)), Integer.toHexString(nan));
        short negativeNaN = HalfFloats.floatToBf16(Float.intBitsToFloat(0xffc00000));
        assertEquals((short) 0xffc0, negativeNaN);
    }

    @Test
    void shouldMatchAnIndependentNearestEvenOracleForRandomBf16() {
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            assertEquals(nearestBf16(f), HalfFloats.floatToBf16(f), "f=" + f);
        }
    }

    // ---- in place and slices ----

    @Test
    void shouldQuantiseInPlaceLikeFp16StorageOnlyInsideTheSlice() {
        float[] x = {7f, 70000f, 1f + 0x1p-11f, 1e-8f, -65520f, Float.NaN, 7f};
        HalfFloats.roundToFp16InPlace(x, 1, 5);
        assertEquals(7f, x[0]);
        assertEquals(Float.POSITIVE_INFINITY, x[1]);
        assertEquals(1f, x[2]);
        assertEquals(0x1p-24f * Math.round(1e-8 / 0x1p-24), x[3]);
        assertEquals(Float.NEGATIVE_INFINITY, x[4]);
        assertTrue(Float.isNaN(x[5]));
        assertEquals(7f, x[6]);
    }

    @Test
    void shouldQuantiseInPlaceLikeBf16Storage() {
        float[] x = {1f + 0x1p-8f + 0x1p-20f, Float.MAX_VALUE, 3.14159265f};
        HalfFloats.roundToBf16InPlace(x, 0, 3);
        assertEquals(1f + 0x1p-7f, x[0]);
        assertEquals(Float.POSITIVE_INFINITY, x[1]);
        assertEquals(3.140625f, x[2]);
    }

    @Test
    void shouldConvertSlicesAtOffsets() {
        float[] src = {9f, 1.5f, -2f, 9f};
        short[] half = new short[5];
        HalfFloats.toFp16(src, 1, half, 2, 2);
        assertArrayEquals(new short[] {0, 0, 0x3e00, (short) 0xc000, 0}, half);
        float[] back = new float[3];
        HalfFloats.fromFp16(half, 2, back, 1, 2);
        assertArrayEquals(new float[] {0f, 1.5f, -2f}, back);
        HalfFloats.toBf16(src, 1, half, 0, 2);
        HalfFloats.fromBf16(half, 0, back, 0, 2);
        assertArrayEquals(new float[] {1.5f, -2f, -2f}, back);
    }

    @Test
    void shouldRejectSlicesOutsideTheArrays() {
        assertThrows(IndexOutOfBoundsException.class, () -> HalfFloats.toFp16(new float[4], 2, new short[4], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> HalfFloats.fromBf16(new short[4], 0, new float[2], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> HalfFloats.roundToBf16InPlace(new float[2], -1, 1));
    }

    private static short fp16(float f) {
        short[] out = new short[1];
        HalfFloats.toFp16(new float[] {f}, 0, out, 0, 1);
        return out[0];
    }

    private static boolean isFp16NaN(short bits) {
        return (bits & 0x7c00) == 0x7c00 && (bits & 0x03ff) != 0;
    }

    private static short[] allShorts() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        return all;
    }

    /**
     * Nearest bf16 by comparing the two neighbours in double arithmetic; the neighbour above the
     * largest finite bf16 counts as 2¹²⁸ (IEEE's overflow threshold), ties go to the even one.
     */
    private static short nearestBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = bits & 0x8000_0000;
        int lowBf = (bits & 0x7fff_ffff) >>> 16;
        double abs = Math.abs((double) f);
        double lowValue = Float.intBitsToFloat(lowBf << 16);
        double highValue = lowBf + 1 == 0x7f80 ? 0x1p128 : Float.intBitsToFloat((lowBf + 1) << 16);
        double below = abs - lowValue;
        double above = highValue - abs;
        int chosen = below < above ? lowBf : below > above ? lowBf + 1 : ((lowBf & 1) == 0 ? lowBf : lowBf + 1);
        return (short) ((sign >>> 16) | chosen);
    }
}

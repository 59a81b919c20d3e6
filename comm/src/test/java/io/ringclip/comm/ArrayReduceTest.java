package io.ringclip.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The SIMD accumulate against the plain loop, bit for bit, at offsets and lengths that leave tails. */
class ArrayReduceTest {

    private static final float[] SPECIAL = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, 1f, -1f};

    @Test
    void theVectorAccumulateRuns() {
        assertTrue(ArrayReduce.VECTOR, "tests run with --add-modules jdk.incubator.vector");
    }

    @Test
    void sumAndMaxMatchThePlainLoopBitForBit() {
        Random random = new Random(5);
        for (boolean max : new boolean[] {false, true}) {
            for (int length : new int[] {0, 1, 7, 15, 16, 17, 63, 100, 2048, 2053}) {
                for (int[] offsets : new int[][] {{0, 0}, {3, 0}, {0, 5}, {1, 17}}) {
                    float[] acc = randomWithSpecials(random, offsets[0] + length + 3);
                    float[] x = randomWithSpecials(random, offsets[1] + length + 3);
                    float[] expected = acc.clone();
                    ArrayReduce.accumulateReference(max, expected, offsets[0], x, offsets[1], length);
                    ArrayReduce.accumulate(max, acc, offsets[0], x, offsets[1], length);
                    for (int i = 0; i < acc.length; i++) {
                        assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(acc[i]),
                                "max=" + max + ", length=" + length + ", offsets=" + offsets[0] + "/" + offsets[1] + ", i=" + i);
                    }
                }
            }
        }
    }

    @Test
    void accumulatingAnArrayIntoItselfDoublesIt() {
        float[] a = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f};
        ReduceOp.SUM.accumulate(a, 0, a, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(2f * (i + 1), a[i]);
        }
    }

    private static float[] randomWithSpecials(Random random, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = random.nextInt(8) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian() * 1e3f;
        }
        return a;
    }
}

package io.ringclip.models.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void sumEqualsTheScalarButterflyBitForBit() {
        SplittableRandom random = new SplittableRandom(7);
        float[] lanes = new float[S.length()];
        for (int trial = 0; trial < 20_000; trial++) { // enough calls for C2 to compile sum mid-loop
            for (int i = 0; i < lanes.length; i++) {
                lanes[i] = (float) ((random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-6, 7)));
            }
            float expected = VectorMath.sumReference(lanes);
            float actual = VectorMath.sum(FloatVector.fromArray(S, lanes, 0));
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "trial=" + trial);
        }
    }

    @Test
    void sumIsCloseToTheExactSum() {
        float[] lanes = new float[S.length()];
        double exact = 0;
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = 0.1f * (i + 1);
            exact += lanes[i];
        }
        assertEquals(exact, VectorMath.sum(FloatVector.fromArray(S, lanes, 0)), 1e-5);
    }

    @Test
    void expEqualsTheScalarDefinitionBitForBitAndMathExpWithinTwoUlp() {
        float[] x = new float[S.length()];
        float[] y = new float[S.length()];
        int maxUlp = 0;
        int calls = 0;
        for (float start = -90f; start < 90f; start += 0.0173f * S.length()) {
            for (int i = 0; i < x.length; i++) {
                x[i] = start + 0.0173f * i;
            }
            VectorMath.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
            calls++;
            for (int i = 0; i < x.length; i++) {
                float scalar = VectorMath.expReference(x[i]);
                assertEquals(Float.floatToRawIntBits(scalar), Float.floatToRawIntBits(y[i]), "x=" + x[i]);
                float exact = (float) Math.exp(x[i]);
                if (x[i] >= VectorMath.MIN_ARG && x[i] <= VectorMath.MAX_ARG && exact >= Float.MIN_NORMAL) {
                    maxUlp = Math.max(maxUlp, Math.abs(Float.floatToRawIntBits(exact) - Float.floatToRawIntBits(y[i])));
                }
            }
        }
        assertTrue(calls > 500, "calls=" + calls);
        assertTrue(maxUlp <= 2, "maxUlp=" + maxUlp);
    }

    @Test
    void expHandlesTheEdges() {
        float[] x = new float[S.length()];
        java.util.Arrays.fill(x, 0f);
        x[0] = Float.NaN;
        x[1] = Float.NEGATIVE_INFINITY;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = -100f;
        x[4] = 100f;
        x[5] = VectorMath.MAX_ARG;
        x[6] = VectorMath.MIN_ARG;
        float[] y = new float[S.length()];
        VectorMath.exp(FloatVector.fromArray(S, x, 0)).intoArray(y, 0);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(0f, y[1]);
        assertEquals(Float.POSITIVE_INFINITY, y[2]);
        assertEquals(0f, y[3]);
        assertEquals(Float.POSITIVE_INFINITY, y[4]);
        assertTrue(Float.isFinite(y[5]) && y[5] > 3e38f, "exp(MAX_ARG)=" + y[5]);
        assertTrue(y[6] >= Float.MIN_NORMAL && y[6] < 1.3e-38f, "exp(MIN_ARG)=" + y[6]);
        assertEquals(1f, y[7]);
        for (int i = 0; i < 7; i++) {
            assertEquals(Float.floatToRawIntBits(VectorMath.expReference(x[i])), Float.floatToRawIntBits(y[i]), "x=" + x[i]);
        }
    }
}

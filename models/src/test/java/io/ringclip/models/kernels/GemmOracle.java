package io.ringclip.models.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;

/**
 * Runs one product through a fast kernel and through {@link ReferenceGemm} on identical padded
 * operands and compares them.
 *
 * <p>Tolerance: |fast − reference| ≤ {@value #RELATIVE_TOLERANCE} · (Σₚ |a_ip·b_pj| + |c_ij| when
 * accumulating), i.e. relative to the magnitude of the terms summed, which bounds the float
 * rounding of any summation order (typical error √k·2⁻²⁴: ≈ 3e-6 at the deepest k = 2049 here).
 * Elements outside the C slice (row padding, before the offset, after the end) must be untouched.
 */
final class GemmOracle {

    static final float RELATIVE_TOLERANCE = 2e-5f;

    private static final ReferenceGemm REFERENCE = new ReferenceGemm();

    private GemmOracle() {}

    static void check(GemmKernel fast, boolean transA, boolean transB, int m, int n, int k,
                      boolean accumulate, long seed) {
        Random random = new Random(seed);
        int lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 5, ldc = n + 2;
        int aOffset = 7, bOffset = 11, cOffset = 5;
        int aRows = transA ? k : m, bRows = transB ? n : k;
        float[] a = random(random, aOffset + aRows * lda + 4);
        float[] b = random(random, bOffset + bRows * ldb + 4);
        float[] c0 = random(random, cOffset + m * ldc + 4);
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        REFERENCE.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, expected, cOffset, ldc, accumulate);
        fast.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, actual, cOffset, ldc, accumulate);

        float[] bound = new float[c0.length];
        if (accumulate) {
            for (int i = 0; i < bound.length; i++) {
                bound[i] = Math.abs(c0[i]);
            }
        }
        REFERENCE.sgemm(transA, transB, m, n, k, abs(a), aOffset, lda, abs(b), bOffset, ldb, bound, cOffset, ldc, true);

        String where = fast.name() + " transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                + " accumulate=" + accumulate;
        for (int idx = 0; idx < c0.length; idx++) {
            int rel = idx - cOffset;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside) {
                assertEquals(c0[idx], actual[idx], 0f, where + ": wrote outside C at index " + idx);
                continue;
            }
            float tol = RELATIVE_TOLERANCE * bound[idx] + Float.MIN_NORMAL;
            if (!(Math.abs(expected[idx] - actual[idx]) <= tol)) {
                fail(where + ": row=" + rel / ldc + " col=" + rel % ldc + " expected=" + expected[idx]
                        + " actual=" + actual[idx] + " tolerance=" + tol);
            }
        }
    }

    static float[] random(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() * 2f - 1f;
        }
        return x;
    }

    private static float[] abs(float[] x) {
        float[] y = Arrays.copyOf(x, x.length);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.abs(y[i]);
        }
        return y;
    }
}

package io.ringclip.models.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel of {@link VectorGemm}: one 6×16 tile of C from a packed A
 * micro-panel and a packed B micro-panel.
 *
 * <pre>
 *   A micro-panel: kc × 6 floats, p-major:  ap[aBase + p*6 + r]  = op(A)[row r][p]
 *   B micro-panel: kc × 16 floats, p-major: bp[bBase + p*16 + j] = op(B)[p][col j]
 *   C tile: 6 rows × 16 columns at c[cBase + r*ldc + j]
 * </pre>
 *
 * The 12 accumulators (6 rows × two 8-float vectors), two B vectors and one broadcast A value
 * use 15 of the 16 AVX2 registers, so nothing spills (4×24 spills, 8×8 and 5×16 measured slower;
 * see notes/java-performance.md; with AVX-512, C2 has 32 registers and the same kernel measured
 * ~110 GFLOP/s per CPU-second in cache, so wider tiles were not kept). Edge tiles are computed whole on the zero-padded panels into a
 * scratch tile and then the valid part is merged into C (see VectorGemm).
 */
final class MicroKernel6x16 {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int MR = 6;
    static final int NR = 16;

    private MicroKernel6x16() {}

    /**
     * C[6×16] = (add ? C : 0) + Ap[kc×6]ᵀ-panel · Bp[kc×16]-panel.
     * Indices are written as base + p*stride so C2 can hoist the bounds checks out of the loop.
     */
    static void kernel(int kc, float[] ap, int aBase, float[] bp, int bBase,
                       float[] c, int cBase, int ldc, boolean add) {
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bBase + p * NR;
            int ai = aBase + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c0_0 = av.fma(b0, c0_0);
            c0_1 = av.fma(b1, c0_1);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c1_0 = av.fma(b0, c1_0);
            c1_1 = av.fma(b1, c1_1);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c2_0 = av.fma(b0, c2_0);
            c2_1 = av.fma(b1, c2_1);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c3_0 = av.fma(b0, c3_0);
            c3_1 = av.fma(b1, c3_1);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c4_0 = av.fma(b0, c4_0);
            c4_1 = av.fma(b1, c4_1);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c5_0 = av.fma(b0, c5_0);
            c5_1 = av.fma(b1, c5_1);
        }
        store(c0_0, c0_1, c, cBase, add);
        store(c1_0, c1_1, c, cBase + 1 * ldc, add);
        store(c2_0, c2_1, c, cBase + 2 * ldc, add);
        store(c3_0, c3_1, c, cBase + 3 * ldc, add);
        store(c4_0, c4_1, c, cBase + 4 * ldc, add);
        store(c5_0, c5_1, c, cBase + 5 * ldc, add);
    }

    private static void store(FloatVector lo, FloatVector hi, float[] c, int row, boolean add) {
        if (add) {
            lo = lo.add(FloatVector.fromArray(S, c, row));
            hi = hi.add(FloatVector.fromArray(S, c, row + 8));
        }
        lo.intoArray(c, row);
        hi.intoArray(c, row + 8);
    }
}

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
 * see notes/java-performance.md). On AVX-512 machines {@link MicroKernel6x32} is used instead.
 * Edge tiles are computed whole on the zero-padded panels into a scratch tile and then the valid
 * part is merged into C (see VectorGemm).
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
        // Stores written out (not a helper): a helper that C2 declines to inline boxes the vectors.
        int r0 = cBase, r1 = cBase + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (add) {
            c0_0 = c0_0.add(FloatVector.fromArray(S, c, r0));
            c0_1 = c0_1.add(FloatVector.fromArray(S, c, r0 + 8));
            c1_0 = c1_0.add(FloatVector.fromArray(S, c, r1));
            c1_1 = c1_1.add(FloatVector.fromArray(S, c, r1 + 8));
            c2_0 = c2_0.add(FloatVector.fromArray(S, c, r2));
            c2_1 = c2_1.add(FloatVector.fromArray(S, c, r2 + 8));
            c3_0 = c3_0.add(FloatVector.fromArray(S, c, r3));
            c3_1 = c3_1.add(FloatVector.fromArray(S, c, r3 + 8));
            c4_0 = c4_0.add(FloatVector.fromArray(S, c, r4));
            c4_1 = c4_1.add(FloatVector.fromArray(S, c, r4 + 8));
            c5_0 = c5_0.add(FloatVector.fromArray(S, c, r5));
            c5_1 = c5_1.add(FloatVector.fromArray(S, c, r5 + 8));
        }
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + 8);
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + 8);
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + 8);
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + 8);
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + 8);
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + 8);
    }

    /**
     * As {@link #kernel} but A is read in place, row r of the tile at a[aBase + r*lda + p]: a
     * non-transposed A needs no packing (its rows are already contiguous in p). Each row index is
     * an invariant base + p, so C2 still hoists the bounds checks.
     */
    static void kernelRowsA(int kc, float[] a, int aBase, int lda, float[] bp, int bBase,
                            float[] c, int cBase, int ldc, boolean add) {
        int a0 = aBase, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
        FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
        FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
        FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
        FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
        FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bBase + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 8);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c0_0 = av.fma(b0, c0_0);
            c0_1 = av.fma(b1, c0_1);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c1_0 = av.fma(b0, c1_0);
            c1_1 = av.fma(b1, c1_1);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c2_0 = av.fma(b0, c2_0);
            c2_1 = av.fma(b1, c2_1);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c3_0 = av.fma(b0, c3_0);
            c3_1 = av.fma(b1, c3_1);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c4_0 = av.fma(b0, c4_0);
            c4_1 = av.fma(b1, c4_1);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c5_0 = av.fma(b0, c5_0);
            c5_1 = av.fma(b1, c5_1);
        }
        // Stores written out (not a helper): a helper that C2 declines to inline boxes the vectors.
        int r0 = cBase, r1 = cBase + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        if (add) {
            c0_0 = c0_0.add(FloatVector.fromArray(S, c, r0));
            c0_1 = c0_1.add(FloatVector.fromArray(S, c, r0 + 8));
            c1_0 = c1_0.add(FloatVector.fromArray(S, c, r1));
            c1_1 = c1_1.add(FloatVector.fromArray(S, c, r1 + 8));
            c2_0 = c2_0.add(FloatVector.fromArray(S, c, r2));
            c2_1 = c2_1.add(FloatVector.fromArray(S, c, r2 + 8));
            c3_0 = c3_0.add(FloatVector.fromArray(S, c, r3));
            c3_1 = c3_1.add(FloatVector.fromArray(S, c, r3 + 8));
            c4_0 = c4_0.add(FloatVector.fromArray(S, c, r4));
            c4_1 = c4_1.add(FloatVector.fromArray(S, c, r4 + 8));
            c5_0 = c5_0.add(FloatVector.fromArray(S, c, r5));
            c5_1 = c5_1.add(FloatVector.fromArray(S, c, r5 + 8));
        }
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + 8);
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + 8);
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + 8);
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + 8);
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + 8);
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + 8);
    }
}

package io.ringclip.models.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The AVX-512 register tile of {@link VectorGemm}: one 6×32 tile of C from a packed A micro-panel
 * (or 6 rows of A read in place) and a packed 32-column B micro-panel.
 *
 * <pre>
 *   A micro-panel: kc × 6 floats, p-major:  ap[aBase + p*6 + r]  = op(A)[row r][p]
 *   B micro-panel: kc × 32 floats, p-major: bp[bBase + p*32 + j] = op(B)[p][col j]
 *   C tile: 6 rows × 32 columns at c[cBase + r*ldc + j]
 * </pre>
 *
 * The same shape as {@link MicroKernel6x16} on 512-bit vectors: 12 zmm accumulators (6 rows × two
 * 16-float vectors), two B vectors and one broadcast A value, 15 of the 32 zmm registers. Per k
 * step it issues half the instructions of the 6×16 kernel for the same FLOPs (8 loads, 12 FMAs
 * for 384 flops). Both methods are small, static, take only primitives and arrays, and keep every
 * vector local, so C2 compiles each as one unit with all accumulators in registers. Chosen by
 * {@link VectorGemm} when {@code FloatVector.SPECIES_PREFERRED} is at least 512 bits.
 */
final class MicroKernel6x32 {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final int MR = 6;
    static final int NR = 32;

    private MicroKernel6x32() {}

    /** C[6×32] = (add ? C : 0) + Ap[kc×6]ᵀ-panel · Bp[kc×32]-panel. */
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
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 16);
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
            c0_1 = c0_1.add(FloatVector.fromArray(S, c, r0 + 16));
            c1_0 = c1_0.add(FloatVector.fromArray(S, c, r1));
            c1_1 = c1_1.add(FloatVector.fromArray(S, c, r1 + 16));
            c2_0 = c2_0.add(FloatVector.fromArray(S, c, r2));
            c2_1 = c2_1.add(FloatVector.fromArray(S, c, r2 + 16));
            c3_0 = c3_0.add(FloatVector.fromArray(S, c, r3));
            c3_1 = c3_1.add(FloatVector.fromArray(S, c, r3 + 16));
            c4_0 = c4_0.add(FloatVector.fromArray(S, c, r4));
            c4_1 = c4_1.add(FloatVector.fromArray(S, c, r4 + 16));
            c5_0 = c5_0.add(FloatVector.fromArray(S, c, r5));
            c5_1 = c5_1.add(FloatVector.fromArray(S, c, r5 + 16));
        }
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + 16);
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + 16);
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + 16);
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + 16);
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + 16);
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + 16);
    }

    /** As {@link #kernel} but row r of the A tile is read in place at a[aBase + r*lda + p]. */
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
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + 16);
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
            c0_1 = c0_1.add(FloatVector.fromArray(S, c, r0 + 16));
            c1_0 = c1_0.add(FloatVector.fromArray(S, c, r1));
            c1_1 = c1_1.add(FloatVector.fromArray(S, c, r1 + 16));
            c2_0 = c2_0.add(FloatVector.fromArray(S, c, r2));
            c2_1 = c2_1.add(FloatVector.fromArray(S, c, r2 + 16));
            c3_0 = c3_0.add(FloatVector.fromArray(S, c, r3));
            c3_1 = c3_1.add(FloatVector.fromArray(S, c, r3 + 16));
            c4_0 = c4_0.add(FloatVector.fromArray(S, c, r4));
            c4_1 = c4_1.add(FloatVector.fromArray(S, c, r4 + 16));
            c5_0 = c5_0.add(FloatVector.fromArray(S, c, r5));
            c5_1 = c5_1.add(FloatVector.fromArray(S, c, r5 + 16));
        }
        c0_0.intoArray(c, r0);
        c0_1.intoArray(c, r0 + 16);
        c1_0.intoArray(c, r1);
        c1_1.intoArray(c, r1 + 16);
        c2_0.intoArray(c, r2);
        c2_1.intoArray(c, r2 + 16);
        c3_0.intoArray(c, r3);
        c3_1.intoArray(c, r3 + 16);
        c4_0.intoArray(c, r4);
        c4_1.intoArray(c, r4 + 16);
        c5_0.intoArray(c, r5);
        c5_1.intoArray(c, r5 + 16);
    }
}

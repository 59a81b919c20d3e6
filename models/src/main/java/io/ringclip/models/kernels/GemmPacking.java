package io.ringclip.models.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the panel layouts the register tiles read
 * ({@link MicroKernel6x16}: mr = 6, nr = 16; {@link MicroKernel6x32}: mr = 6, nr = 32), so the
 * kernel streams both operands contiguously whatever the transposes and leading dimensions.
 *
 * <pre>
 *   packed A block (mc × kc of op(A) = Aᵀ): ceil(mc/mr) panels, panel q holds rows q*mr … q*mr+mr-1:
 *       ap[q*kc*mr + p*mr + r] = op(A)[i0 + q*mr + r][p0 + p]      (rows past mc are 0)
 *   packed B block (kc × nc of op(B)): ceil(nc/nr) panels, panel q holds columns q*nr … q*nr+nr-1:
 *       bp[q*kc*nr + p*nr + j] = op(B)[p0 + p][j0 + q*nr + j]      (columns past nc are 0)
 * </pre>
 *
 * Zero padding lets edge tiles run the same kernel; their extra rows/columns are never stored.
 */
final class GemmPacking {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;

    /** Scratch for gather indices: two maps of 8 row offsets (from the gather's first row), see packTransposedBColumns. */
    private static final ThreadLocal<int[]> ROW_OFFSETS = ThreadLocal.withInitial(() -> new int[16]);

    private GemmPacking() {}

    /**
     * Packs op(A)[i0 : i0+mc, p0 : p0+kc] for op(A) = Aᵀ (A stored k×m, row stride lda). A
     * non-transposed A is not packed: VectorGemm reads its rows in place.
     */
    static void packTransposedA(float[] a, int aOffset, int lda, int i0, int mc, int p0, int kc, int mr, float[] ap) {
        for (int ir = 0, q = 0; ir < mc; ir += mr, q++) {
            packTransposedARows(a, aOffset + p0 * lda + i0 + ir, lda, Math.min(mr, mc - ir), kc, mr, ap, q * kc * mr);
        }
    }

    /** A stored k×m (op(A) = Aᵀ): the mr values of one panel column are adjacent in A. */
    private static void packTransposedARows(float[] a, int src, int lda, int rows, int kc, int mr, float[] ap, int dst) {
        if (rows == 6 && mr == 6 && kc > 1 && src + (kc - 2) * lda + 8 <= a.length) {
            // The common full panel: one 8-float vector copy per column of 6. Each store spills 2
            // floats into the next column's slots, which the next copy overwrites; the last column
            // is copied by scalars so nothing lands past the panel (or reads past A's end).
            for (int p = 0; p < kc - 1; p++) {
                FloatVector.fromArray(S, a, src + p * lda).intoArray(ap, dst + p * 6);
            }
            int s = src + (kc - 1) * lda;
            int d = dst + (kc - 1) * 6;
            for (int r = 0; r < 6; r++) {
                ap[d + r] = a[s + r];
            }
            return;
        }
        if (rows == 6 && mr == 6) {
            // Full panel near the end of A: unrolled scalars (an arraycopy call per 6 floats costs more).
            for (int p = 0; p < kc; p++) {
                int s = src + p * lda;
                int d = dst + p * 6;
                ap[d] = a[s];
                ap[d + 1] = a[s + 1];
                ap[d + 2] = a[s + 2];
                ap[d + 3] = a[s + 3];
                ap[d + 4] = a[s + 4];
                ap[d + 5] = a[s + 5];
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int s = src + p * lda;
            int d = dst + p * mr;
            for (int r = 0; r < mr; r++) {
                ap[d + r] = r < rows ? a[s + r] : 0f;
            }
        }
    }

    /** Packs op(B)[p0 : p0+kc, j0 : j0+nc]; op(B) = B (k×n, row stride ldb) or Bᵀ (B stored n×k). */
    static void packB(boolean transB, float[] b, int bOffset, int ldb,
                      int p0, int kc, int j0, int nc, int nr, float[] bp) {
        for (int jr = 0, q = 0; jr < nc; jr += nr, q++) {
            int cols = Math.min(nr, nc - jr);
            int dst = q * kc * nr;
            if (transB) {
                packTransposedBColumns(b, bOffset + (j0 + jr) * ldb + p0, ldb, cols, kc, nr, bp, dst);
            } else {
                packBColumns(b, bOffset + p0 * ldb + j0 + jr, ldb, cols, kc, nr, bp, dst);
            }
        }
    }

    /** B stored row-major k×n: each panel row is nr adjacent floats of B. */
    private static void packBColumns(float[] b, int src, int ldb, int cols, int kc, int nr, float[] bp, int dst) {
        if (cols == 16 && nr == 16) {
            // The common full panel: two 8-float vector copies per row (an arraycopy call costs more).
            for (int p = 0; p < kc; p++) {
                int s = src + p * ldb;
                int d = dst + p * 16;
                FloatVector.fromArray(S, b, s).intoArray(bp, d);
                FloatVector.fromArray(S, b, s + 8).intoArray(bp, d + 8);
            }
            return;
        }
        if (cols == 32 && nr == 32) {
            // The full 32-column panel of the AVX-512 tile: four 8-float copies per row.
            for (int p = 0; p < kc; p++) {
                int s = src + p * ldb;
                int d = dst + p * 32;
                FloatVector.fromArray(S, b, s).intoArray(bp, d);
                FloatVector.fromArray(S, b, s + 8).intoArray(bp, d + 8);
                FloatVector.fromArray(S, b, s + 16).intoArray(bp, d + 16);
                FloatVector.fromArray(S, b, s + 24).intoArray(bp, d + 24);
            }
            return;
        }
        for (int p = 0; p < kc; p++) {
            int s = src + p * ldb;
            int d = dst + p * nr;
            for (int j = 0; j < nr; j++) {
                bp[d + j] = j < cols ? b[s + j] : 0f;
            }
        }
    }

    /** B stored n×k (op(B) = Bᵀ): each packed row p gathers one value from each of the panel's B rows. */
    private static void packTransposedBColumns(float[] b, int src, int ldb, int cols, int kc, int nr, float[] bp, int dst) {
        if (nr % 8 == 0) {
            // Gather 8 values one B row apart (vgatherdps) so the stores are whole contiguous
            // vectors instead of nr·kc scalar stores. An edge panel (cols < nr, e.g. the last 18 of
            // attention's 50 keys) uses one masked gather for its partial group of 8 and zero vectors
            // for the padding: its scalar column-by-column copy was a quarter of attention's time.
            int[] rowOffsets = ROW_OFFSETS.get();
            int fullGroups = cols / 8;
            int partial = cols % 8;
            // Lanes 0..7: rows j·ldb for the full groups; lanes 8..15: the partial group's rows, lanes
            // past the last B row re-reading it (never out of the panel) and then zeroed by the blend.
            // (A masked gather would do the same but C2 does not intrinsify it: 7x slower.)
            for (int j = 0; j < 8; j++) {
                rowOffsets[j] = j * ldb;
                rowOffsets[8 + j] = Math.min(j, Math.max(partial - 1, 0)) * ldb;
            }
            VectorMask<Float> partialMask = VectorMask.fromLong(S, (1L << partial) - 1);
            FloatVector zero = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int d = dst + p * nr;
                int j = 0;
                for (int g = 0; g < fullGroups; g++, j += 8) {
                    FloatVector.fromArray(S, b, src + j * ldb + p, rowOffsets, 0).intoArray(bp, d + j);
                }
                if (partial > 0) {
                    zero.blend(FloatVector.fromArray(S, b, src + j * ldb + p, rowOffsets, 8), partialMask).intoArray(bp, d + j);
                    j += 8;
                }
                for (; j < nr; j += 8) {
                    zero.intoArray(bp, d + j);
                }
            }
            return;
        }
        for (int j = 0; j < nr; j++) {
            if (j < cols) {
                int s = src + j * ldb;
                for (int p = 0; p < kc; p++) {
                    bp[dst + p * nr + j] = b[s + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    bp[dst + p * nr + j] = 0f;
                }
            }
        }
    }
}

package io.ringclip.models.kernels;

import java.util.Objects;

/** Validation of SGEMM arguments (see {@link GemmKernel} for the layout), with key=value messages. */
final class GemmArgs {

    private GemmArgs() {}

    static void check(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float[] c, int cOffset, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sizes must be >= 0: m=" + m + ", n=" + n + ", k=" + k);
        }
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        // Stored shapes: A is (transA ? k×m : m×k), B is (transB ? n×k : k×n), C is m×n.
        checkSlice("A", a, aOffset, lda, transA ? k : m, transA ? m : k);
        checkSlice("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
        checkSlice("C", c, cOffset, ldc, m, n);
    }

    private static void checkSlice(String name, float[] x, int offset, int ld, int rows, int cols) {
        if (ld < cols || ld < 0) {
            throw new IllegalArgumentException("leading dimension too small: matrix=" + name + ", ld=" + ld
                    + ", columns=" + cols);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset: matrix=" + name + ", offset=" + offset);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long end = offset + (long) (rows - 1) * ld + cols;
        if (end > x.length) {
            throw new IllegalArgumentException("slice exceeds array: matrix=" + name + ", offset=" + offset
                    + ", rows=" + rows + ", columns=" + cols + ", ld=" + ld + ", end=" + end
                    + ", length=" + x.length);
        }
    }
}

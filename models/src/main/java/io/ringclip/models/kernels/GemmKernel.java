package io.ringclip.models.kernels;

/**
 * Single-precision matrix multiply on row-major {@code float[]} slices.
 *
 * <pre>
 *   C[m×n] = op(A)·op(B)          (accumulate == false)
 *   C[m×n] += op(A)·op(B)         (accumulate == true)
 *
 *   op(A) is m×k: A is stored m×k (transA == false, row stride lda ≥ k)
 *                       or k×m (transA == true,  row stride lda ≥ m)
 *   op(B) is k×n: B is stored k×n (transB == false, row stride ldb ≥ n)
 *                       or n×k (transB == true,  row stride ldb ≥ k)
 *   C is stored m×n with row stride ldc ≥ n.
 * </pre>
 *
 * The three products a linear layer needs: forward Y = X·Wᵀ (NT), dX = dY·W (NN), dW += dYᵀ·X (TN).
 * Implementations are thread-safe and may use several threads (see {@link Gemm#threads()}).
 */
public interface GemmKernel {

    void sgemm(boolean transA, boolean transB, int m, int n, int k,
               float[] a, int aOffset, int lda,
               float[] b, int bOffset, int ldb,
               float[] c, int cOffset, int ldc,
               boolean accumulate);

    /**
     * This kernel restricted to the calling thread, for callers that already run many products in
     * parallel (e.g. {@link Gemm#sgemmBatched}). Kernels that never use extra threads return {@code this}.
     */
    default GemmKernel singleThreaded() {
        return this;
    }

    /** A short name for logs and benchmarks, e.g. "scalar-reference" or "vector-6x32". */
    String name();
}

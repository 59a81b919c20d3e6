package io.ringclip.models.kernels;

/**
 * The SGEMM facade every layer calls. The kernel is chosen once, at class initialisation
 * (the fast Vector API kernel when available, else the reference with a logged reason).
 * See {@link GemmKernel} for the argument layout.
 */
public final class Gemm {

    private static volatile GemmKernel kernel = new ReferenceGemm();
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOffset, int lda,
                             float[] b, int bOffset, int ldb,
                             float[] c, int cOffset, int ldc,
                             boolean accumulate) {
        kernel.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    }

    public static GemmKernel kernel() {
        return kernel;
    }

    /** Threads a single GEMM call may use; the trainer sets this once (e.g. cores / workers in simulation mode). */
    public static int threads() {
        return threads;
    }

    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1: threads=" + n);
        }
        threads = n;
    }
}

package io.ringclip.models.kernels;

/**
 * The SGEMM facade every layer calls. The kernel is chosen once, at class initialisation
 * (the fast Vector API kernel when available, else the reference with a logged reason; see
 * {@link GemmSelection}). The facade validates arguments; kernels trust them.
 * See {@link GemmKernel} for the argument layout.
 */
public final class Gemm {

    private static final System.Logger LOG = System.getLogger(Gemm.class.getName());

    // Initialised before the kernel: the selection's self-check may read it.
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    private static volatile GemmKernel kernel = selectKernel();

    private Gemm() {}

    private static GemmKernel selectKernel() {
        GemmSelection selection = GemmSelection.select();
        if (selection.fallbackReason() != null) {
            LOG.log(System.Logger.Level.WARNING, "SGEMM: using the slow " + selection.kernel().name()
                    + " kernel (about 20x slower) because " + selection.fallbackReason());
        } else {
            LOG.log(System.Logger.Level.INFO, "SGEMM: using the " + selection.kernel().name() + " kernel ("
                    + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors preferred here)");
        }
        return selection.kernel();
    }

    /**
     * C (+)= op(A)·op(B); see {@link GemmKernel} for shapes and strides. Uses up to
     * {@link #threads()} threads for large products.
     *
     * @throws IllegalArgumentException on negative sizes, too small leading dimensions or slices
     *         that do not fit their arrays
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOffset, int lda,
                             float[] b, int bOffset, int ldb,
                             float[] c, int cOffset, int ldc,
                             boolean accumulate) {
        GemmArgs.check(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
        kernel.sgemm(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
    }

    /**
     * {@code batches × heads} independent products with the same shapes, e.g. attention per head.
     * Product (i, h) for i in [0, batches), h in [0, heads) uses
     * <pre>
     *   A at aOffset + i*aBatchStride + h*aHeadStride   (then as in sgemm: lda, transA)
     *   B at bOffset + i*bBatchStride + h*bHeadStride
     *   C at cOffset + i*cBatchStride + h*cHeadStride
     * </pre>
     * Example, scores S[b,h] = Q[b,h]·K[b,h]ᵀ with q, k laid out [B, T, H, D] (row stride C = H·D)
     * and s laid out [B, H, T, T]: {@code sgemmBatched(false, true, B, H, T, T, D, q, 0, T*C, D, C,
     * k, 0, T*C, D, C, s, 0, H*T*T, T*T, T, false)}.
     *
     * <p>Small products are spread over {@link #threads()} threads, whole products per thread; a
     * single large product per call goes to the multi-threaded kernel instead. Output slices must
     * not overlap (they are written concurrently).
     */
    public static void sgemmBatched(boolean transA, boolean transB, int batches, int heads, int m, int n, int k,
                                    float[] a, int aOffset, int aBatchStride, int aHeadStride, int lda,
                                    float[] b, int bOffset, int bBatchStride, int bHeadStride, int ldb,
                                    float[] c, int cOffset, int cBatchStride, int cHeadStride, int ldc,
                                    boolean accumulate) {
        if (batches < 0 || heads < 0) {
            throw new IllegalArgumentException("batches=" + batches + ", heads=" + heads + " must be >= 0");
        }
        int count = batches * heads;
        if (count == 0) {
            return;
        }
        // The extreme products bound every other one: offsets are linear in (i, h).
        for (int corner = 0; corner < 4; corner++) {
            int i = (corner & 1) == 0 ? 0 : batches - 1;
            int h = (corner & 2) == 0 ? 0 : heads - 1;
            GemmArgs.check(transA, transB, m, n, k,
                    a, aOffset + i * aBatchStride + h * aHeadStride, lda,
                    b, bOffset + i * bBatchStride + h * bHeadStride, ldb,
                    c, cOffset + i * cBatchStride + h * cHeadStride, ldc);
        }
        GemmKernel current = kernel;
        int t = threads;
        long macs = (long) m * n * k;
        if (count == 1 || t == 1 || macs * count < VectorGemm.DEFAULT_PARALLEL_MIN_MACS
                || macs >= VectorGemm.DEFAULT_PARALLEL_MIN_MACS * 8) {
            for (int p = 0; p < count; p++) {
                int i = p / heads, h = p % heads;
                current.sgemm(transA, transB, m, n, k,
                        a, aOffset + i * aBatchStride + h * aHeadStride, lda,
                        b, bOffset + i * bBatchStride + h * bHeadStride, ldb,
                        c, cOffset + i * cBatchStride + h * cHeadStride, ldc, accumulate);
            }
            return;
        }
        GemmKernel single = current.singleThreaded();
        GemmWorkers.run(t, count, p -> {
            int i = p / heads, h = p % heads;
            single.sgemm(transA, transB, m, n, k,
                    a, aOffset + i * aBatchStride + h * aHeadStride, lda,
                    b, bOffset + i * bBatchStride + h * bHeadStride, ldb,
                    c, cOffset + i * cBatchStride + h * cHeadStride, ldc, accumulate);
        });
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

    /**
     * Runs the selected kernel over every tile and packing variant until the JIT has compiled it
     * (Vector API code runs ~100× slower before C2 compiles it), then measures it once and logs a
     * warning if it is still slow. The trainer calls this once at start-up; takes a few seconds.
     */
    public static GemmWarmUp.Report warmUp() {
        return GemmWarmUp.run(kernel, threads);
    }
}

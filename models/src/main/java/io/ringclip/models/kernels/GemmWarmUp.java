package io.ringclip.models.kernels;

import java.util.Random;

/**
 * Start-up JIT warm-up of a GEMM kernel, followed by one speed check.
 *
 * <p>Vector API methods run ~100× slower until C2 compiles them (boxed vectors), and every tile,
 * packing and threading variant is its own method. The warm-up runs shapes that reach all of them:
 * full tiles (6×16 or 6×32), edge rows and columns, two k-blocks, two m-blocks, all four transposes, with
 * and without accumulation, and the multi-threaded path. The speed check then times one 192×192×256
 * product and logs a warning when it is far below what the kernel reaches after compilation
 * (a JIT that failed to inline a vector operation once made a loop 50× slower).
 */
public final class GemmWarmUp {

    /**
     * @param kernel name of the kernel that was warmed up
     * @param elapsedMillis wall time of the warm-up and the speed check
     * @param checkGflops single-threaded GFLOP/s of the 192×192×256 NN speed check
     */
    public record Report(String kernel, long elapsedMillis, double checkGflops) {}

    private static final System.Logger LOG = System.getLogger(GemmWarmUp.class.getName());

    /** Rounds over the shape set; measured enough for C2 to compile every variant on a shared 2-core machine. */
    private static final int ROUNDS = 150;
    /** (m, n, k): full tiles; edge rows+columns with two k-blocks (kc ≤ 512); two m-blocks with edges; attention-like. */
    private static final int[][] SHAPES = {{12, 32, 64}, {13, 37, 600}, {130, 20, 40}, {50, 50, 32}};
    /** The multi-threaded paths, above VectorGemm's single-thread threshold: a row split, and a k split (k ≥ 4·max(m, n)). */
    private static final int[][] PARALLEL_SHAPES = {{192, 160, 96}, {64, 48, 1024}};
    private static final int PARALLEL_ROUNDS = 20;
    /** The fast kernel does 30–90 GFLOP/s per core (AVX2 to AVX-512 machines); below this it is not compiled. */
    private static final double SLOW_GFLOPS = 3.0;

    private GemmWarmUp() {}

    static Report run(GemmKernel kernel, int threads) {
        long start = System.nanoTime();
        Random random = new Random(1);
        float[] a = random(random, 400 * 400);
        float[] b = random(random, 400 * 400);
        float[] c = new float[400 * 400];
        GemmKernel single = kernel.singleThreaded();
        for (int round = 0; round < ROUNDS; round++) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    product(single, (t & 1) != 0, (t & 2) != 0, s, a, b, c, (round & 1) == 0);
                }
            }
        }
        if (threads > 1) {
            for (int round = 0; round < PARALLEL_ROUNDS; round++) {
                for (int[] s : PARALLEL_SHAPES) {
                    for (int t = 0; t < 4; t++) {
                        product(kernel, (t & 1) != 0, (t & 2) != 0, s, a, b, c, (round & 1) == 0);
                    }
                }
            }
        }
        double gflops = speedCheck(single, a, b, c);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        if (gflops < SLOW_GFLOPS && !(kernel instanceof ReferenceGemm)) {
            LOG.log(System.Logger.Level.WARNING, "SGEMM kernel " + kernel.name() + " runs at only "
                    + String.format("%.1f", gflops) + " GFLOP/s after warm-up (expected 30-90 per core): "
                    + "the JIT may have failed to compile it, or the CPU is heavily shared; "
                    + "check with ./ringclip bench gemm");
        }
        return new Report(kernel.name(), elapsedMillis, gflops);
    }

    private static void product(GemmKernel kernel, boolean transA, boolean transB, int[] shape,
                                float[] a, float[] b, float[] c, boolean accumulate) {
        int m = shape[0], n = shape[1], k = shape[2];
        // Non-tight leading dimensions so offsets and strides are exercised as in real layers.
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 5;
        int ldc = n + 1;
        kernel.sgemm(transA, transB, m, n, k, a, 1, lda, b, 2, ldb, c, 3, ldc, accumulate);
    }

    private static double speedCheck(GemmKernel kernel, float[] a, float[] b, float[] c) {
        int m = 192, n = 192, k = 256;
        long best = Long.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            kernel.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return 2.0 * m * n * k / Math.max(1, best);
    }

    private static float[] random(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        return x;
    }
}

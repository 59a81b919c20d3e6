package io.ringclip.models.kernels;

import java.util.Random;

/**
 * Chooses the SGEMM kernel once, at start-up: the Vector API kernel when its module is loaded,
 * the CPU has 256-bit SIMD and a quick self-check against {@link ReferenceGemm} passes; otherwise
 * the reference kernel, with a reason a user can act on.
 *
 * <p>{@code -Dringclip.gemm=reference} forces the reference kernel (for debugging a suspected
 * kernel bug); {@code -Dringclip.gemm=vector} makes a failed fast-path check an error instead of a
 * fallback.
 */
record GemmSelection(GemmKernel kernel, String fallbackReason) {

    static final String PROPERTY = "ringclip.gemm";
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_KERNEL_CLASS = "io.ringclip.models.kernels.VectorGemm";
    /** Relative tolerance of the self-check; products are k ≤ 300 long, fp32 error is ~1e-6. */
    private static final float SELF_CHECK_TOLERANCE = 1e-4f;

    static GemmSelection select() {
        String wanted = System.getProperty(PROPERTY, "auto");
        ReferenceGemm reference = new ReferenceGemm();
        switch (wanted) {
            case "reference":
                return new GemmSelection(reference, "-D" + PROPERTY + "=reference was set");
            case "auto", "vector":
                break;
            default:
                throw new IllegalArgumentException(
                        "unknown GEMM kernel: " + PROPERTY + "=" + wanted + " (expected auto, vector or reference)");
        }
        String problem = vectorKernelProblem();
        if (problem == null) {
            GemmKernel fast = loadVectorKernel();
            problem = selfCheck(fast, reference);
            if (problem == null) {
                return new GemmSelection(fast, null);
            }
        }
        if (wanted.equals("vector")) {
            throw new IllegalStateException("-D" + PROPERTY + "=vector but the Vector API kernel is unusable: " + problem);
        }
        return new GemmSelection(reference, problem);
    }

    /** Null when the Vector API kernel can run fast here, else why not (phrased as what to do). */
    private static String vectorKernelProblem() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return "the Vector API module is not loaded; run java with --add-modules " + VECTOR_MODULE
                    + " (the ./ringclip launcher and the Maven test setup do this)";
        }
        try {
            int bits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
            if (bits < 256) {
                return "this CPU/JVM offers " + bits + "-bit float vectors, the kernel needs 256-bit (AVX2); "
                        + "the Vector API would emulate it slowly";
            }
        } catch (LinkageError e) {
            return "the Vector API failed to load (" + e + "); check the JDK is 25+ and --add-modules " + VECTOR_MODULE;
        }
        return null;
    }

    private static GemmKernel loadVectorKernel() {
        try {
            // Reflective so that this class links even where the Vector API module is absent.
            return (GemmKernel) Class.forName(VECTOR_KERNEL_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load " + VECTOR_KERNEL_CLASS, e);
        }
    }

    /** Compares the fast kernel with the reference on edge-tile shapes in all four transposes. */
    private static String selfCheck(GemmKernel fast, GemmKernel reference) {
        int[][] shapes = {{1, 1, 1}, {7, 17, 5}, {13, 33, 300}};
        Random random = new Random(42);
        try {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    boolean transA = (t & 1) != 0;
                    boolean transB = (t & 2) != 0;
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = randomArray(random, m * k);
                    float[] b = randomArray(random, k * n);
                    float[] expected = randomArray(random, m * n);
                    float[] actual = expected.clone();
                    int lda = transA ? m : k;
                    int ldb = transB ? k : n;
                    reference.sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, expected, 0, n, true);
                    fast.singleThreaded().sgemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, actual, 0, n, true);
                    for (int i = 0; i < expected.length; i++) {
                        float scale = Math.max(1f, Math.abs(expected[i]));
                        if (!(Math.abs(expected[i] - actual[i]) <= SELF_CHECK_TOLERANCE * scale)) {
                            return fast.name() + " disagrees with the reference at m=" + m + ", n=" + n + ", k=" + k
                                    + ", transA=" + transA + ", transB=" + transB + ", index=" + i
                                    + ": expected=" + expected[i] + ", actual=" + actual[i]
                                    + "; please report this (JDK " + Runtime.version() + ")";
                        }
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            return fast.name() + " failed its self-check (" + e + "); please report this (JDK " + Runtime.version() + ")";
        }
        return null;
    }

    private static float[] randomArray(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() * 2f - 1f;
        }
        return x;
    }
}

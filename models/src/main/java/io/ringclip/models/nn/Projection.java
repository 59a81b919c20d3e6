package io.ringclip.models.nn;

import io.ringclip.models.kernels.Gemm;

/**
 * Bias-free projection with the weight stored {@code [Cin, Cout]} (open_clip's {@code visual.proj} and
 * {@code text_projection}: {@code y = x @ proj}).
 *
 * <pre>
 *   x [N, Cin] → y [N, Cout] = x·P        (GEMM NN)
 *   dx [N, Cin]  += dy·Pᵀ                 (GEMM NT)
 *   dP [Cin, Cout] += xᵀ·dy               (GEMM TN)
 * </pre>
 */
public final class Projection {

    private Projection() {}

    public static void forward(float[] y, float[] x, float[] p, int pOff, int n, int cin, int cout) {
        Gemm.sgemm(false, false, n, cout, cin, x, 0, cin, p, pOff, cout, y, 0, cout, false);
    }

    /** {@code dx == null} skips the input gradient; {@code accumulateDx} false overwrites it. */
    public static void backward(float[] dx, boolean accumulateDx, float[] dp, int dpOff,
                                float[] dy, float[] x, float[] p, int pOff, int n, int cin, int cout) {
        if (dx != null) {
            Gemm.sgemm(false, true, n, cin, cout, dy, 0, cout, p, pOff, cout, dx, 0, cin, accumulateDx);
        }
        Gemm.sgemm(true, false, cin, cout, n, x, 0, cin, dy, 0, cout, dp, dpOff, cout, true);
    }
}

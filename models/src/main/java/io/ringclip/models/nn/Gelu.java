package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;

/**
 * Exact (erf) GELU, PyTorch's {@code nn.GELU()} default.
 *
 * <pre>
 *   y = ½ x (1 + erf(x/√2))                        x, y [n]
 *   dx += dy · (½ (1 + erf(x/√2)) + x · φ(x)),     φ(x) = exp(−x²/2)/√(2π)
 * </pre>
 * erf: Abramowitz–Stegun 7.1.26 refined (|error| ≤ 1.2e-7), enough for fp32 parity with PyTorch.
 */
public final class Gelu {

    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    private Gelu() {}

    public static void forward(float[] y, float[] x, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> {
            for (int i = s; i < e; i++) {
                float v = x[i];
                y[i] = 0.5f * v * (1f + erf(v * INV_SQRT2));
            }
        });
    }

    /** In place allowed ({@code dx == dy}) when {@code accumulate} is false. */
    public static void backward(float[] dx, boolean accumulate, float[] dy, float[] x, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> {
            for (int i = s; i < e; i++) {
                float v = x[i];
                float cdf = 0.5f * (1f + erf(v * INV_SQRT2));
                float pdf = (float) Math.exp(-0.5f * v * v) * INV_SQRT_2PI;
                float g = dy[i] * (cdf + v * pdf);
                dx[i] = accumulate ? dx[i] + g : g;
            }
        });
    }

    /** erf(x), max absolute error ~1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
    public static float erf(float x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - ans;
        return (float) (x >= 0 ? r : -r);
    }
}

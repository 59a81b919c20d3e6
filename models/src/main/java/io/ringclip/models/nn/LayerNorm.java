package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;

/**
 * Layer norm over the last dimension, fp32 statistics, eps = 1e-5 (PyTorch's default).
 *
 * <pre>
 *   x [N, C] → y [N, C] = (x − mean) · rstd · γ + β,   mean [N], rstd [N] = 1/√(var + eps) saved
 *   dx [N, C] += rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ∘ x̂)),   ĝ = dy ∘ γ,  x̂ = (x − mean)·rstd
 *   dγ [C] += Σ_n dy ∘ x̂,   dβ [C] += Σ_n dy
 * </pre>
 */
public final class LayerNorm {

    public static final float EPS = 1e-5f;

    private LayerNorm() {}

    /** {@code mean}/{@code rstd} may be null (inference). Rows are read at {@code x[xOff + n*C]}. */
    public static void forward(float[] y, float[] mean, float[] rstd, float[] x,
                               float[] gamma, int gOff, float[] beta, int bOff, int n, int c, int threads) {
        Parallel.forRange(n, rows(threads, n, c), (s, e, w) -> {
            for (int r = s; r < e; r++) {
                int o = r * c;
                float sum = 0f;
                for (int j = 0; j < c; j++) {
                    sum += x[o + j];
                }
                float m = sum / c;
                float sq = 0f;
                for (int j = 0; j < c; j++) {
                    float d = x[o + j] - m;
                    sq += d * d;
                }
                float rs = (float) (1.0 / Math.sqrt(sq / c + EPS));
                if (mean != null) {
                    mean[r] = m;
                    rstd[r] = rs;
                }
                for (int j = 0; j < c; j++) {
                    y[o + j] = (x[o + j] - m) * rs * gamma[gOff + j] + beta[bOff + j];
                }
            }
        });
    }

    /** Recomputes {@code y} from saved statistics (backward uses it instead of saving y). */
    public static void recompute(float[] y, float[] x, float[] mean, float[] rstd,
                                 float[] gamma, int gOff, float[] beta, int bOff, int n, int c, int threads) {
        Parallel.forRange(n, rows(threads, n, c), (s, e, w) -> {
            for (int r = s; r < e; r++) {
                int o = r * c;
                float m = mean[r];
                float rs = rstd[r];
                for (int j = 0; j < c; j++) {
                    y[o + j] = (x[o + j] - m) * rs * gamma[gOff + j] + beta[bOff + j];
                }
            }
        });
    }

    public static void backward(float[] dx, float[] dgamma, int dgOff, float[] dbeta, int dbOff,
                                float[] dy, float[] x, float[] mean, float[] rstd, float[] gamma, int gOff,
                                int n, int c, int threads) {
        int chunks = rows(threads, n, c);
        float[][] partial = new float[chunks][2 * c];
        Parallel.forRange(n, chunks, (s, e, w) -> {
            float[] acc = partial[w];
            for (int r = s; r < e; r++) {
                int o = r * c;
                float m = mean[r];
                float rs = rstd[r];
                float sumG = 0f;
                float sumGX = 0f;
                for (int j = 0; j < c; j++) {
                    float xh = (x[o + j] - m) * rs;
                    float g = dy[o + j] * gamma[gOff + j];
                    sumG += g;
                    sumGX += g * xh;
                    acc[j] += dy[o + j] * xh;
                    acc[c + j] += dy[o + j];
                }
                float meanG = sumG / c;
                float meanGX = sumGX / c;
                for (int j = 0; j < c; j++) {
                    float xh = (x[o + j] - m) * rs;
                    float g = dy[o + j] * gamma[gOff + j];
                    dx[o + j] += rs * (g - meanG - xh * meanGX);
                }
            }
        });
        for (float[] acc : partial) {
            for (int j = 0; j < c; j++) {
                dgamma[dgOff + j] += acc[j];
                dbeta[dbOff + j] += acc[c + j];
            }
        }
    }

    private static int rows(int threads, int n, int c) {
        return (long) n * c < 16_384 ? 1 : threads;
    }
}

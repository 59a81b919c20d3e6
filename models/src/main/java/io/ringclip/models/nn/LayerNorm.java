package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;
import io.ringclip.models.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Layer norm over the last dimension, fp32 statistics, eps = 1e-5 (PyTorch's default).
 *
 * <pre>
 *   x [N, C] → y [N, C] = (x − mean) · rstd · γ + β,   mean [N], rstd [N] = 1/√(var + eps) saved
 *   dx [N, C] += rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ∘ x̂)),   ĝ = dy ∘ γ,  x̂ = (x − mean)·rstd
 *   dγ [C] += Σ_n dy ∘ x̂,   dβ [C] += Σ_n dy
 * </pre>
 * Fast path: Vector API rows (the row sums are reductions, which C2 does not auto-vectorise: the
 * scalar loops were ~6 % of a tiny-model step). Reference path: {@link #forwardReference} and
 * {@link #backwardReference}, plain scalar loops; LayerNormTest compares the two.
 */
public final class LayerNorm {

    public static final float EPS = 1e-5f;

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private LayerNorm() {}

    /** {@code mean}/{@code rstd} may be null (inference). Rows are read at {@code x[xOff + n*C]}. */
    public static void forward(float[] y, float[] mean, float[] rstd, float[] x,
                               float[] gamma, int gOff, float[] beta, int bOff, int n, int c, int threads) {
        Parallel.forRange(n, rows(threads, n, c), (s, e, w) -> {
            int upper = S.loopBound(c);
            for (int r = s; r < e; r++) {
                int o = r * c;
                FloatVector acc = FloatVector.zero(S);
                int j = 0;
                for (; j < upper; j += S.length()) {
                    acc = acc.add(FloatVector.fromArray(S, x, o + j));
                }
                float sum = VectorMath.sum(acc);
                for (; j < c; j++) {
                    sum += x[o + j];
                }
                float m = sum / c;
                FloatVector vm = FloatVector.broadcast(S, m);
                acc = FloatVector.zero(S);
                for (j = 0; j < upper; j += S.length()) {
                    FloatVector d = FloatVector.fromArray(S, x, o + j).sub(vm);
                    acc = d.fma(d, acc);
                }
                float sq = VectorMath.sum(acc);
                for (; j < c; j++) {
                    float d = x[o + j] - m;
                    sq += d * d;
                }
                float rs = (float) (1.0 / Math.sqrt(sq / c + EPS));
                if (mean != null) {
                    mean[r] = m;
                    rstd[r] = rs;
                }
                normalizeRow(y, x, o, m, rs, gamma, gOff, beta, bOff, c);
            }
        });
    }

    /** Recomputes {@code y} from saved statistics (backward uses it instead of saving y). */
    public static void recompute(float[] y, float[] x, float[] mean, float[] rstd,
                                 float[] gamma, int gOff, float[] beta, int bOff, int n, int c, int threads) {
        Parallel.forRange(n, rows(threads, n, c), (s, e, w) -> {
            for (int r = s; r < e; r++) {
                normalizeRow(y, x, r * c, mean[r], rstd[r], gamma, gOff, beta, bOff, c);
            }
        });
    }

    /** y[o, +c) = (x[o, +c) − m) · rs · γ + β. */
    private static void normalizeRow(float[] y, float[] x, int o, float m, float rs,
                                     float[] gamma, int gOff, float[] beta, int bOff, int c) {
        FloatVector vm = FloatVector.broadcast(S, m);
        int j = 0;
        for (int upper = S.loopBound(c); j < upper; j += S.length()) {
            FloatVector xh = FloatVector.fromArray(S, x, o + j).sub(vm).mul(rs);
            xh.fma(FloatVector.fromArray(S, gamma, gOff + j), FloatVector.fromArray(S, beta, bOff + j))
                    .intoArray(y, o + j);
        }
        for (; j < c; j++) {
            y[o + j] = (x[o + j] - m) * rs * gamma[gOff + j] + beta[bOff + j];
        }
    }

    public static void backward(float[] dx, float[] dgamma, int dgOff, float[] dbeta, int dbOff,
                                float[] dy, float[] x, float[] mean, float[] rstd, float[] gamma, int gOff,
                                int n, int c, int threads) {
        int chunks = rows(threads, n, c);
        float[][] partial = new float[chunks][2 * c];
        Parallel.forRange(n, chunks, (s, e, w) -> {
            float[] acc = partial[w];
            int upper = S.loopBound(c);
            for (int r = s; r < e; r++) {
                int o = r * c;
                float m = mean[r];
                float rs = rstd[r];
                FloatVector vm = FloatVector.broadcast(S, m);
                FloatVector vSumG = FloatVector.zero(S);
                FloatVector vSumGX = FloatVector.zero(S);
                int j = 0;
                for (; j < upper; j += S.length()) {
                    FloatVector xh = FloatVector.fromArray(S, x, o + j).sub(vm).mul(rs);
                    FloatVector d = FloatVector.fromArray(S, dy, o + j);
                    FloatVector g = d.mul(FloatVector.fromArray(S, gamma, gOff + j));
                    vSumG = vSumG.add(g);
                    vSumGX = g.fma(xh, vSumGX);
                    d.fma(xh, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                    d.add(FloatVector.fromArray(S, acc, c + j)).intoArray(acc, c + j);
                }
                float sumG = VectorMath.sum(vSumG);
                float sumGX = VectorMath.sum(vSumGX);
                for (; j < c; j++) {
                    float xh = (x[o + j] - m) * rs;
                    float g = dy[o + j] * gamma[gOff + j];
                    sumG += g;
                    sumGX += g * xh;
                    acc[j] += dy[o + j] * xh;
                    acc[c + j] += dy[o + j];
                }
                float meanG = sumG / c;
                float meanGX = sumGX / c;
                FloatVector vMeanG = FloatVector.broadcast(S, meanG);
                for (j = 0; j < upper; j += S.length()) {
                    FloatVector xh = FloatVector.fromArray(S, x, o + j).sub(vm).mul(rs);
                    FloatVector g = FloatVector.fromArray(S, dy, o + j).mul(FloatVector.fromArray(S, gamma, gOff + j));
                    g.sub(vMeanG).sub(xh.mul(meanGX)).fma(FloatVector.broadcast(S, rs), FloatVector.fromArray(S, dx, o + j)).intoArray(dx, o + j);
                }
                for (; j < c; j++) {
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

    /** Reference forward: one thread, scalar loops. */
    public static void forwardReference(float[] y, float[] mean, float[] rstd, float[] x,
                                        float[] gamma, int gOff, float[] beta, int bOff, int n, int c) {
        for (int r = 0; r < n; r++) {
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
    }

    /** Reference backward: one thread, scalar loops. */
    public static void backwardReference(float[] dx, float[] dgamma, int dgOff, float[] dbeta, int dbOff,
                                         float[] dy, float[] x, float[] mean, float[] rstd, float[] gamma, int gOff,
                                         int n, int c) {
        for (int r = 0; r < n; r++) {
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
                dgamma[dgOff + j] += dy[o + j] * xh;
                dbeta[dbOff + j] += dy[o + j];
            }
            float meanG = sumG / c;
            float meanGX = sumGX / c;
            for (int j = 0; j < c; j++) {
                float xh = (x[o + j] - m) * rs;
                float g = dy[o + j] * gamma[gOff + j];
                dx[o + j] += rs * (g - meanG - xh * meanGX);
            }
        }
    }

    private static int rows(int threads, int n, int c) {
        return (long) n * c < 16_384 ? 1 : threads;
    }
}

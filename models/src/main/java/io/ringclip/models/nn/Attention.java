package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, plain version: keeps the full softmax matrix for backward.
 *
 * <pre>
 *   qkv [B·T, 3C]   row = [q (C) | k (C) | v (C)], head h at columns h·D … h·D+D−1 of each part
 *   out [B·T, C]    head h at columns h·D …  (C = H·D)
 *   probs [B, H, T, T]  saved softmax(q·kᵀ/√D [+ causal mask]); masked entries are 0
 *   dqkv [B·T, 3C] += ∂/∂qkv
 * </pre>
 * Work is split over (batch, head) pairs; inside a pair the products are written as axpy loops over
 * contiguous rows (K and V transposed per head) so the JIT vectorises them.
 */
public final class Attention {

    private Attention() {}

    public static void forward(float[] out, float[] probs, float[] qkv, int b, int t, int h, int d,
                               boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] kt = new float[d * t];
            for (int bh = s; bh < e; bh++) {
                int bi = bh / h;
                int hi = bh % h;
                int base = bi * t;
                transposeHead(kt, qkv, base, t, 3 * c, c + hi * d, d);
                int pOff = bh * t * t;
                for (int i = 0; i < t; i++) {
                    int jmax = causal ? i + 1 : t;
                    int row = pOff + i * t;
                    Arrays.fill(probs, row, row + t, 0f);
                    int qi = (base + i) * 3 * c + hi * d;
                    for (int dd = 0; dd < d; dd++) {
                        float q = qkv[qi + dd] * scale;
                        int ko = dd * t;
                        for (int j = 0; j < jmax; j++) {
                            probs[row + j] += q * kt[ko + j];
                        }
                    }
                    Softmax.forwardRow(probs, row, probs, row, jmax);
                    int oi = (base + i) * c + hi * d;
                    Arrays.fill(out, oi, oi + d, 0f);
                    for (int j = 0; j < jmax; j++) {
                        float p = probs[row + j];
                        int vj = (base + j) * 3 * c + 2 * c + hi * d;
                        for (int dd = 0; dd < d; dd++) {
                            out[oi + dd] += p * qkv[vj + dd];
                        }
                    }
                }
            }
        });
    }

    /** {@code dqkv} accumulates; callers zero it first when it is a scratch. */
    public static void backward(float[] dqkv, float[] dout, float[] qkv, float[] probs,
                                int b, int t, int h, int d, boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] vt = new float[d * t];
            float[] dp = new float[t];
            for (int bh = s; bh < e; bh++) {
                int bi = bh / h;
                int hi = bh % h;
                int base = bi * t;
                transposeHead(vt, qkv, base, t, 3 * c, 2 * c + hi * d, d);
                int pOff = bh * t * t;
                for (int i = 0; i < t; i++) {
                    int jmax = causal ? i + 1 : t;
                    int row = pOff + i * t;
                    int oi = (base + i) * c + hi * d;
                    Arrays.fill(dp, 0, jmax, 0f);
                    for (int dd = 0; dd < d; dd++) {
                        float g = dout[oi + dd];
                        int vo = dd * t;
                        for (int j = 0; j < jmax; j++) {
                            dp[j] += g * vt[vo + j];
                        }
                    }
                    float dot = 0f;
                    for (int j = 0; j < jmax; j++) {
                        dot += probs[row + j] * dp[j];
                    }
                    int qi = (base + i) * 3 * c + hi * d;
                    for (int j = 0; j < jmax; j++) {
                        float p = probs[row + j];
                        int kj = (base + j) * 3 * c + c + hi * d;
                        int vj = kj + c;
                        for (int dd = 0; dd < d; dd++) {
                            dqkv[vj + dd] += p * dout[oi + dd];
                        }
                        float ds = p * (dp[j] - dot) * scale;
                        for (int dd = 0; dd < d; dd++) {
                            dqkv[qi + dd] += ds * qkv[kj + dd];
                            dqkv[kj + dd] += ds * qkv[qi + dd];
                        }
                    }
                }
            }
        });
    }

    /** {@code dst[dd·T + j] = src[(base + j)·stride + col + dd]}: one head's K or V as [D, T]. */
    static void transposeHead(float[] dst, float[] src, int base, int t, int stride, int col, int d) {
        for (int j = 0; j < t; j++) {
            int so = (base + j) * stride + col;
            for (int dd = 0; dd < d; dd++) {
                dst[dd * t + j] = src[so + dd];
            }
        }
    }
}

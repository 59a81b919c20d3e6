package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;

import java.util.Arrays;

/**
 * Multi-head attention, FlashAttention-style: keys are visited in tiles of {@link #TILE} with an online
 * softmax (running max m and sum l per query row), so no T×T matrix exists; only the per-row
 * log-sum-exp is saved and backward recomputes the probabilities tile by tile.
 *
 * <pre>
 *   qkv [B·T, 3C], out [B·T, C]: same layouts as {@link Attention}
 *   lse [B, H, T]   saved: m + log l = log Σ_j exp(s_ij)
 *   forward, per tile:  m' = max(m, max_j s_ij);  l = l·e^(m−m') + Σ_j e^(s_ij−m');  acc = acc·e^(m−m') + Σ_j e^(s_ij−m')·v_j
 *   backward:  p_ij = exp(s_ij − lse_i),  D_i = Σ_d dout_id · out_id,
 *              dv_j += p_ij dout_i,  ds_ij = p_ij (dout_i·v_j − D_i),  dq_i += ds_ij k_j / √D,  dk_j += ds_ij q_i / √D
 * </pre>
 * Per-thread scratch: K and V of one head transposed [D, T], one tile of scores, one accumulator row.
 */
public final class FlashAttention {

    /** Keys per tile. */
    public static final int TILE = 32;

    private FlashAttention() {}

    public static void forward(float[] out, float[] lse, float[] qkv, int b, int t, int h, int d,
                               boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] kt = new float[d * t];
            float[] tile = new float[TILE];
            float[] acc = new float[d];
            for (int bh = s; bh < e; bh++) {
                int bi = bh / h;
                int hi = bh % h;
                int base = bi * t;
                Attention.transposeHead(kt, qkv, base, t, 3 * c, c + hi * d, d);
                for (int i = 0; i < t; i++) {
                    int qi = (base + i) * 3 * c + hi * d;
                    int jEnd = causal ? i + 1 : t;
                    float m = Float.NEGATIVE_INFINITY;
                    float l = 0f;
                    Arrays.fill(acc, 0f);
                    for (int j0 = 0; j0 < jEnd; j0 += TILE) {
                        int n = Math.min(TILE, jEnd - j0);
                        scores(tile, qkv, qi, kt, j0, n, t, d, scale);
                        float mNew = m;
                        for (int j = 0; j < n; j++) {
                            mNew = Math.max(mNew, tile[j]);
                        }
                        float corr = (float) Math.exp(m - mNew);
                        float sum = 0f;
                        for (int j = 0; j < n; j++) {
                            float p = (float) Math.exp(tile[j] - mNew);
                            tile[j] = p;
                            sum += p;
                        }
                        l = l * corr + sum;
                        for (int dd = 0; dd < d; dd++) {
                            acc[dd] *= corr;
                        }
                        for (int j = 0; j < n; j++) {
                            float p = tile[j];
                            int vj = (base + j0 + j) * 3 * c + 2 * c + hi * d;
                            for (int dd = 0; dd < d; dd++) {
                                acc[dd] += p * qkv[vj + dd];
                            }
                        }
                        m = mNew;
                    }
                    float inv = 1f / l;
                    int oi = (base + i) * c + hi * d;
                    for (int dd = 0; dd < d; dd++) {
                        out[oi + dd] = acc[dd] * inv;
                    }
                    lse[bh * t + i] = m + (float) Math.log(l);
                }
            }
        });
    }

    /** {@code dqkv} accumulates; callers zero it first when it is a scratch. */
    public static void backward(float[] dqkv, float[] dout, float[] out, float[] lse, float[] qkv,
                                int b, int t, int h, int d, boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] kt = new float[d * t];
            float[] vt = new float[d * t];
            float[] p = new float[TILE];
            float[] dp = new float[TILE];
            for (int bh = s; bh < e; bh++) {
                int bi = bh / h;
                int hi = bh % h;
                int base = bi * t;
                Attention.transposeHead(kt, qkv, base, t, 3 * c, c + hi * d, d);
                Attention.transposeHead(vt, qkv, base, t, 3 * c, 2 * c + hi * d, d);
                for (int i = 0; i < t; i++) {
                    int qi = (base + i) * 3 * c + hi * d;
                    int oi = (base + i) * c + hi * d;
                    float rowLse = lse[bh * t + i];
                    float di = 0f;
                    for (int dd = 0; dd < d; dd++) {
                        di += dout[oi + dd] * out[oi + dd];
                    }
                    int jEnd = causal ? i + 1 : t;
                    for (int j0 = 0; j0 < jEnd; j0 += TILE) {
                        int n = Math.min(TILE, jEnd - j0);
                        scores(p, qkv, qi, kt, j0, n, t, d, scale);
                        for (int j = 0; j < n; j++) {
                            p[j] = (float) Math.exp(p[j] - rowLse);
                        }
                        Arrays.fill(dp, 0, n, 0f);
                        for (int dd = 0; dd < d; dd++) {
                            float g = dout[oi + dd];
                            int vo = dd * t + j0;
                            for (int j = 0; j < n; j++) {
                                dp[j] += g * vt[vo + j];
                            }
                        }
                        for (int j = 0; j < n; j++) {
                            int kj = (base + j0 + j) * 3 * c + c + hi * d;
                            int vj = kj + c;
                            float pj = p[j];
                            for (int dd = 0; dd < d; dd++) {
                                dqkv[vj + dd] += pj * dout[oi + dd];
                            }
                            float ds = pj * (dp[j] - di) * scale;
                            for (int dd = 0; dd < d; dd++) {
                                dqkv[qi + dd] += ds * qkv[kj + dd];
                                dqkv[kj + dd] += ds * qkv[qi + dd];
                            }
                        }
                    }
                }
            }
        });
    }

    /** {@code tile[j] = scale · q·k_{j0+j}} for {@code j < n}, K given transposed [D, T]. */
    private static void scores(float[] tile, float[] qkv, int qi, float[] kt, int j0, int n, int t, int d, float scale) {
        Arrays.fill(tile, 0, n, 0f);
        for (int dd = 0; dd < d; dd++) {
            float q = qkv[qi + dd] * scale;
            int ko = dd * t + j0;
            for (int j = 0; j < n; j++) {
                tile[j] += q * kt[ko + j];
            }
        }
    }
}

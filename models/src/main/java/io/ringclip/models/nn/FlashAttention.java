package io.ringclip.models.nn;

import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.tensor.Parallel;
import io.ringclip.models.tensor.SavedActivation;

import java.util.Arrays;

/**
 * Multi-head attention, FlashAttention-style: keys are visited in tiles of {@link #TILE} with an online
 * softmax (running max m and sum l per query row), so at most a T×TILE block of scores exists; only the
 * per-row log-sum-exp is saved and backward recomputes the probabilities tile by tile.
 *
 * <pre>
 *   qkv [B·T, 3C], out [B·T, C]: same layouts as {@link Attention}
 *   lse [B, H, T]   saved: m + log l = log Σ_j exp(s_ij),  s_ij = q_i·k_j / √D
 *   forward, per key tile J:  m' = max(m, max_J s);  l = l·e^(m−m') + Σ_J e^(s−m');  o = o·e^(m−m') + e^(s−m')·V_J
 *   backward, per key tile J: P = exp(S − lse),  D_i = dout_i·out_i,  dV_J += Pᵀ·dO,  dP = dO·V_Jᵀ,
 *                             dS = P ∘ (dP − D) / √D,  dQ += dS·K_J,  dK_J += dSᵀ·Q
 * </pre>
 * Tile products are strided GEMMs on the qkv rows. Per-thread scratch: two T×TILE blocks and 3 T-vectors.
 */
public final class FlashAttention {

    /** Keys per tile. */
    public static final int TILE = 64;

    private FlashAttention() {}

    public static void forward(float[] out, float[] lse, float[] qkv, int b, int t, int h, int d,
                               boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        int tile = Math.min(TILE, t);
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] sc = new float[t * tile];
            float[] m = new float[t];
            float[] l = new float[t];
            for (int bh = s; bh < e; bh++) {
                int qOff = (bh / h) * t * 3 * c + (bh % h) * d;
                int oOff = (bh / h) * t * c + (bh % h) * d;
                Arrays.fill(m, Float.NEGATIVE_INFINITY);
                Arrays.fill(l, 0f);
                for (int i = 0; i < t; i++) {
                    Arrays.fill(out, oOff + i * c, oOff + i * c + d, 0f);
                }
                for (int j0 = 0; j0 < t; j0 += tile) {
                    int n = Math.min(tile, t - j0);
                    Gemm.sgemm(false, true, t, n, d, qkv, qOff, 3 * c, qkv, qOff + c + j0 * 3 * c, 3 * c, sc, 0, n, false);
                    for (int i = 0; i < t; i++) {
                        int row = i * n;
                        int valid = causal ? Math.max(0, Math.min(n, i - j0 + 1)) : n;
                        float mNew = Math.max(m[i], RowVectors.max(sc, row, valid) * scale); // scale > 0
                        float sum = RowVectors.expScaledShifted(sc, row, valid, scale, mNew);
                        Arrays.fill(sc, row + valid, row + n, 0f);
                        if (valid > 0) {
                            float corr = (float) Math.exp(m[i] - mNew);
                            l[i] = l[i] * corr + sum;
                            m[i] = mNew;
                            if (corr != 1f) {
                                RowVectors.scale(out, oOff + i * c, d, corr);
                            }
                        }
                    }
                    Gemm.sgemm(false, false, t, d, n, sc, 0, n, qkv, qOff + 2 * c + j0 * 3 * c, 3 * c, out, oOff, c, true);
                }
                for (int i = 0; i < t; i++) {
                    RowVectors.scale(out, oOff + i * c, d, 1f / l[i]);
                    lse[bh * t + i] = m[i] + (float) Math.log(l[i]);
                }
            }
        });
    }

    /** {@code dqkv} accumulates; callers zero it first when it is a scratch. */
    public static void backward(float[] dqkv, float[] dout, float[] out, float[] lse, float[] qkv,
                                int b, int t, int h, int d, boolean causal, int threads) {
        backward(dqkv, dout, out, lse, SavedActivation.ofFloats(qkv), b, t, h, d, causal, threads);
    }

    /**
     * As above with qkv read from a saved activation: 16-bit storage is decoded one batch element
     * ([T, 3C]) at a time into a per-thread buffer, so no [B·T, 3C] fp32 copy is needed.
     */
    public static void backward(float[] dqkv, float[] dout, float[] out, float[] lse, SavedActivation qkv,
                                int b, int t, int h, int d, boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        int tile = Math.min(TILE, t);
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] p = new float[t * tile];
            float[] dp = new float[t * tile];
            float[] di = new float[t];
            QkvRows rows = new QkvRows(qkv, t, c);
            for (int bh = s; bh < e; bh++) {
                float[] src = rows.of(bh / h);
                int qSrc = rows.base + (bh % h) * d;
                int kSrc = qSrc + c;
                int vSrc = qSrc + 2 * c;
                int qOff = (bh / h) * t * 3 * c + (bh % h) * d;
                int kOff = qOff + c;
                int vOff = qOff + 2 * c;
                int oOff = (bh / h) * t * c + (bh % h) * d;
                for (int i = 0; i < t; i++) {
                    di[i] = RowVectors.dot(dout, oOff + i * c, out, oOff + i * c, d);
                }
                for (int j0 = 0; j0 < t; j0 += tile) {
                    int n = Math.min(tile, t - j0);
                    int tileRows = j0 * 3 * c;
                    Gemm.sgemm(false, true, t, n, d, src, qSrc, 3 * c, src, kSrc + tileRows, 3 * c, p, 0, n, false);
                    for (int i = 0; i < t; i++) {
                        int row = i * n;
                        int valid = causal ? Math.max(0, Math.min(n, i - j0 + 1)) : n;
                        RowVectors.expScaledShifted(p, row, valid, scale, lse[bh * t + i]);
                        Arrays.fill(p, row + valid, row + n, 0f);
                    }
                    Gemm.sgemm(true, false, n, d, t, p, 0, n, dout, oOff, c, dqkv, vOff + tileRows, 3 * c, true);
                    Gemm.sgemm(false, true, t, n, d, dout, oOff, c, src, vSrc + tileRows, 3 * c, dp, 0, n, false);
                    for (int i = 0; i < t; i++) {
                        RowVectors.softmaxGrad(dp, i * n, p, i * n, n, scale, di[i]);
                    }
                    Gemm.sgemm(false, false, t, d, n, dp, 0, n, src, kSrc + tileRows, 3 * c, dqkv, qOff, 3 * c, true);
                    Gemm.sgemm(true, false, n, d, t, dp, 0, n, src, qSrc, 3 * c, dqkv, kOff + tileRows, 3 * c, true);
                }
            }
        });
    }
}

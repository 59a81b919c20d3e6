package io.ringclip.models.nn;

import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.tensor.Parallel;
import io.ringclip.models.tensor.SavedActivation;

import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, plain version: keeps the full softmax matrix for backward.
 *
 * <pre>
 *   qkv [B·T, 3C]   row = [q (C) | k (C) | v (C)], head h at columns h·D … h·D+D−1 of each part
 *   out [B·T, C]    head h at columns h·D …  (C = H·D)
 *   probs [B, H, T, T]  saved softmax(q·kᵀ/√D [+ causal mask]); masked entries are 0
 *   dqkv [B·T, 3C] += ∂/∂qkv
 *   backward: dP = dO·Vᵀ,  dV += Pᵀ·dO,  dS = P ∘ (dP − rowsum(P ∘ dP)) / √D,  dQ += dS·K,  dK += dSᵀ·Q
 * </pre>
 * Work is split over (batch, head) pairs; each pair's products are strided GEMMs straight on the
 * qkv rows (lda = 3C), so no head is copied or transposed.
 */
public final class Attention {

    private Attention() {}

    public static void forward(float[] out, float[] probs, float[] qkv, int b, int t, int h, int d,
                               boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            for (int bh = s; bh < e; bh++) {
                int qOff = (bh / h) * t * 3 * c + (bh % h) * d;
                int oOff = (bh / h) * t * c + (bh % h) * d;
                int pOff = bh * t * t;
                Gemm.sgemm(false, true, t, t, d, qkv, qOff, 3 * c, qkv, qOff + c, 3 * c, probs, pOff, t, false);
                for (int i = 0; i < t; i++) {
                    int row = pOff + i * t;
                    int valid = causal ? i + 1 : t;
                    for (int j = 0; j < valid; j++) {
                        probs[row + j] *= scale;
                    }
                    Softmax.forwardRow(probs, row, probs, row, valid);
                    Arrays.fill(probs, row + valid, row + t, 0f);
                }
                Gemm.sgemm(false, false, t, d, t, probs, pOff, t, qkv, qOff + 2 * c, 3 * c, out, oOff, c, false);
            }
        });
    }

    /** {@code dqkv} accumulates; callers zero it first when it is a scratch. */
    public static void backward(float[] dqkv, float[] dout, float[] qkv, float[] probs,
                                int b, int t, int h, int d, boolean causal, int threads) {
        backward(dqkv, dout, SavedActivation.ofFloats(qkv), probs, b, t, h, d, causal, threads);
    }

    /** As above with qkv read from a saved activation, one batch element at a time (see {@link QkvRows}). */
    public static void backward(float[] dqkv, float[] dout, SavedActivation qkv, float[] probs,
                                int b, int t, int h, int d, boolean causal, int threads) {
        int c = h * d;
        float scale = (float) (1.0 / Math.sqrt(d));
        Parallel.forRange(b * h, threads, (s, e, worker) -> {
            float[] ds = new float[t * t];
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
                int pOff = bh * t * t;
                Gemm.sgemm(false, true, t, t, d, dout, oOff, c, src, vSrc, 3 * c, ds, 0, t, false);
                Gemm.sgemm(true, false, t, d, t, probs, pOff, t, dout, oOff, c, dqkv, vOff, 3 * c, true);
                softmaxBackwardRows(ds, 0, probs, pOff, t, t, scale);
                Gemm.sgemm(false, false, t, d, t, ds, 0, t, src, kSrc, 3 * c, dqkv, qOff, 3 * c, true);
                Gemm.sgemm(true, false, t, d, t, ds, 0, t, src, qSrc, 3 * c, dqkv, kOff, 3 * c, true);
            }
        });
    }

    /** In place: {@code dp[i, j] ← scale · p[i, j] · (dp[i, j] − Σ_k p[i, k] dp[i, k])} over rows × cols. */
    static void softmaxBackwardRows(float[] dp, int dpOff, float[] p, int pOff, int rows, int cols, float scale) {
        for (int i = 0; i < rows; i++) {
            int dr = dpOff + i * cols;
            int pr = pOff + i * cols;
            float dot = 0f;
            for (int j = 0; j < cols; j++) {
                dot += p[pr + j] * dp[dr + j];
            }
            for (int j = 0; j < cols; j++) {
                dp[dr + j] = scale * p[pr + j] * (dp[dr + j] - dot);
            }
        }
    }
}

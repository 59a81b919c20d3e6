package io.ringclip.models.model;

import io.ringclip.models.tensor.Precision;
import io.ringclip.models.tensor.SavedActivation;

/**
 * What one residual block keeps from forward for backward (N = batch · tokens rows, C width, F = MLP width):
 *
 * <pre>
 *   xIn  [N, C]   block input (residual stream)        mean1, rstd1 [N]  LN1 statistics (fp32)
 *   qkv  [N, 3C]  attention input projection
 *   attn          PLAIN: probabilities [B, H, T, T] / FLASH: log-sum-exp [B, H, T]  (fp32)
 *   o    [N, C]   attention output (heads concatenated)
 *   xMid [N, C]   residual stream after attention      mean2, rstd2 [N]  LN2 statistics (fp32)
 *   u    [N, F]   MLP pre-activation (GELU input)
 * </pre>
 * LN outputs and the GELU output are recomputed in backward instead of being stored.
 * In 16-bit precision the five tensors are stored packed; their write buffers are workspace scratch.
 */
final class BlockActivations {

    final SavedActivation xIn;
    final SavedActivation qkv;
    final SavedActivation o;
    final SavedActivation xMid;
    final SavedActivation u;
    final float[] mean1;
    final float[] rstd1;
    final float[] mean2;
    final float[] rstd2;
    final float[] attn;

    BlockActivations(Precision p, int rows, int width, int mlpWidth, int attnStateSize, Workspace ws) {
        int rc = rows * width;
        xIn = new SavedActivation(p, rc, ws.a);
        qkv = new SavedActivation(p, 3 * rc, ws.big);
        o = new SavedActivation(p, rc, ws.c);
        xMid = new SavedActivation(p, rc, ws.b);
        u = new SavedActivation(p, rows * mlpWidth, ws.big);
        mean1 = new float[rows];
        rstd1 = new float[rows];
        mean2 = new float[rows];
        rstd2 = new float[rows];
        attn = new float[attnStateSize];
    }

    long bytes() {
        return xIn.bytes() + qkv.bytes() + o.bytes() + xMid.bytes() + u.bytes()
                + 4L * (mean1.length * 4L + attn.length);
    }
}

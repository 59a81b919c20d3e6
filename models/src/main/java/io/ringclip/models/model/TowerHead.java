package io.ringclip.models.model;

import io.ringclip.models.nn.L2Normalize;
import io.ringclip.models.nn.LayerNorm;
import io.ringclip.models.nn.Projection;
import io.ringclip.models.tensor.ParameterArena;

import java.util.Arrays;

/**
 * The end of a tower: pick one token per sample (class token / end-of-text token), final layer norm,
 * bias-free projection, L2 normalisation. open_clip applies the final LN to every token and pools
 * after; LN is per token, so normalising only the pooled rows gives the same features.
 *
 * <pre>
 *   out [B·T, C] → pooledIn [B, C] = out[rowOf[b]] → pooled = LN(pooledIn) → projected [B, E] = pooled·proj
 *   → features [B, E] = projected / ‖projected‖
 * </pre>
 * Parameters (contiguous): {@code <ln>.weight [C], <ln>.bias [C], <proj> [C, E]}.
 */
final class TowerHead {

    final int width;
    final int embed;
    final int lnW;
    final int lnB;
    final int proj;
    final int start;
    final int end;

    TowerHead(ParameterArena.Builder arena, String lnName, String projName, int width, int embed) {
        this.width = width;
        this.embed = embed;
        this.start = arena.size();
        lnW = arena.add(lnName + ".weight", width).offset();
        lnB = arena.add(lnName + ".bias", width).offset();
        proj = arena.add(projName, width, embed).offset();
        this.end = arena.size();
    }

    /** Per-batch state of the head; small (B rows), always fp32. */
    static final class Activations {
        final int batch;
        final int[] rowOf;
        final float[] pooledIn;
        final float[] mean;
        final float[] rstd;
        final float[] pooled;
        final float[] projected;
        final float[] norms;
        final float[] features;
        final float[] dProjected;
        final float[] dPooled;
        final float[] dPooledIn;

        Activations(int batch, int width, int embed) {
            this.batch = batch;
            rowOf = new int[batch];
            pooledIn = new float[batch * width];
            mean = new float[batch];
            rstd = new float[batch];
            pooled = new float[batch * width];
            projected = new float[batch * embed];
            norms = new float[batch];
            features = new float[batch * embed];
            dProjected = new float[batch * embed];
            dPooled = new float[batch * width];
            dPooledIn = new float[batch * width];
        }

        long bytes() {
            return 4L * (rowOf.length + pooledIn.length * 5L + mean.length * 3L + projected.length * 3L);
        }
    }

    /** {@code h.rowOf} must be set: the row of {@code out} to pool for each sample. */
    void forward(Activations h, float[] out, StepContext cx) {
        int b = h.batch;
        for (int i = 0; i < b; i++) {
            System.arraycopy(out, h.rowOf[i] * width, h.pooledIn, i * width, width);
        }
        float[] m = cx.master();
        LayerNorm.forward(h.pooled, h.mean, h.rstd, h.pooledIn, m, lnW, m, lnB, b, width, 1);
        cx.roundActivation(h.pooled, b * width);
        Projection.forward(h.projected, h.pooled, cx.weights(proj, end), proj - cx.shift(proj), b, width, embed);
        L2Normalize.forward(h.features, h.norms, h.projected, b, embed);
    }

    /** Accumulates head parameter grads; writes ∂L/∂out rows into {@code dres} (zeroed here, [rows·C]). */
    void backward(Activations h, float[] dFeatures, float[] dres, int rows, StepContext cx) {
        int b = h.batch;
        float[] gr = cx.grads();
        Arrays.fill(h.dProjected, 0f);
        L2Normalize.backward(h.dProjected, dFeatures, h.features, h.norms, b, embed);
        Projection.backward(h.dPooled, false, gr, proj, h.dProjected, h.pooled, cx.weights(proj, end),
                proj - cx.shift(proj), b, width, embed);
        cx.roundGradient(h.dPooled, b * width);
        Arrays.fill(h.dPooledIn, 0f);
        LayerNorm.backward(h.dPooledIn, gr, lnW, gr, lnB, h.dPooled, h.pooledIn, h.mean, h.rstd,
                cx.master(), lnW, b, width, 1);
        Arrays.fill(dres, 0, rows * width, 0f);
        for (int i = 0; i < b; i++) {
            int r = h.rowOf[i] * width;
            for (int j = 0; j < width; j++) {
                dres[r + j] += h.dPooledIn[i * width + j];
            }
        }
    }
}

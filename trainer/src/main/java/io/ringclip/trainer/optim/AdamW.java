package io.ringclip.trainer.optim;

import java.util.List;

/**
 * AdamW (Loshchilov &amp; Hutter) on the fp32 master weights, as {@code torch.optim.AdamW}:
 * <pre>
 *   θ ← θ · (1 − lr·λ)                     (decoupled decay; λ = 0 for the undecayed group)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   θ ← θ − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * </pre>
 * The parameter and gradient arenas share one layout, so each group is a list of flat slices and
 * the update is one loop per slice. Frozen parameters are not touched and keep zero state.
 *
 * <p>State ({@link #state()}) is m, v (same length as the arena) and the step count t.
 */
public final class AdamW {

    private final List<ParamSpan> decayed;
    private final List<ParamSpan> undecayed;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final AdamState state;

    public AdamW(ParamGroups groups, int arenaLength, double beta1, double beta2, double eps, double weightDecay) {
        this.decayed = groups.decayed();
        this.undecayed = groups.undecayed();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.state = new AdamState(arenaLength);
    }

    public AdamState state() {
        return state;
    }

    /** One update with learning rate {@code lr}; {@code grads} are final (synced, unscaled, clipped). */
    public void step(float[] params, float[] grads, double lr) {
        state.step++;
        double bc1 = 1 - Math.pow(beta1, state.step);
        double bc2 = 1 - Math.pow(beta2, state.step);
        // Fold the bias corrections into two scalars: θ -= (lr/bc1) · m / (√v / √bc2 + ε)
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        for (ParamSpan p : decayed) {
            update(params, grads, p.offset(), p.end(), stepSize, invSqrtBc2, (float) (1 - lr * weightDecay));
        }
        for (ParamSpan p : undecayed) {
            update(params, grads, p.offset(), p.end(), stepSize, invSqrtBc2, 1f);
        }
    }

    private void update(float[] params, float[] grads, int from, int to, float stepSize, float invSqrtBc2, float decay) {
        float[] m = state.m;
        float[] v = state.v;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float e = (float) eps;
        for (int i = from; i < to; i++) {
            float g = grads[i];
            float mi = b1 * m[i] + oneMinusB1 * g;
            float vi = b2 * v[i] + oneMinusB2 * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] = params[i] * decay - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + e);
        }
    }
}

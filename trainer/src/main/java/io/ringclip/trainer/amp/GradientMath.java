package io.ringclip.trainer.amp;

import io.ringclip.trainer.optim.ParamSpan;
import java.util.List;

/**
 * The flat-arena passes between gradient sync and the optimizer: one fused pass that unscales,
 * detects inf/NaN and sums squares (for the global norm), and the clip multiply. Run on the
 * already-averaged gradients, so every rank computes the same norm.
 */
public final class GradientMath {

    private GradientMath() {}

    /** Result of {@link #unscaleAndMeasure}: sum of squares (double) and whether anything was non-finite. */
    public record Stats(double sumOfSquares, boolean nonFinite) {
        public double norm() {
            return Math.sqrt(sumOfSquares);
        }
    }

    /** Multiplies {@code grads[span]} by {@code factor} for every span and measures the result. */
    public static Stats unscaleAndMeasure(float[] grads, List<ParamSpan> spans, float factor) {
        double sumSq = 0;
        boolean bad = false;
        for (ParamSpan p : spans) {
            double partial = 0;
            for (int i = p.offset(), end = p.end(); i < end; i++) {
                float g = grads[i] * factor;
                grads[i] = g;
                partial += (double) g * g;
            }
            // inf and NaN both poison the sum, so one check per span is enough.
            if (!Double.isFinite(partial)) {
                bad = true;
            }
            sumSq += partial;
        }
        return new Stats(bad ? Double.POSITIVE_INFINITY : sumSq, bad);
    }

    /**
     * Global-norm clipping as {@code torch.nn.utils.clip_grad_norm_}: if {@code norm > maxNorm},
     * scale by {@code maxNorm / (norm + 1e-6)}. Returns the factor applied (1 when not clipped).
     */
    public static float clip(float[] grads, List<ParamSpan> spans, double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) {
            return 1f;
        }
        float f = (float) (maxNorm / (norm + 1e-6));
        for (ParamSpan p : spans) {
            for (int i = p.offset(), end = p.end(); i < end; i++) {
                grads[i] *= f;
            }
        }
        return f;
    }
}

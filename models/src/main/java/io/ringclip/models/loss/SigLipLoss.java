package io.ringclip.models.loss;

import io.ringclip.models.kernels.Gemm;

/**
 * SigLIP's sigmoid loss (open_clip {@code SigLipLoss}, big_vision), fp32:
 * <pre>
 *   z_ij = exp(logit_scale) · i_i·t_j + logit_bias,   y_ij = +1 if i == j else −1
 *   loss = −(1/B) Σ_i Σ_j log σ(y_ij z_ij)
 * </pre>
 *
 * <p>{@link #block} evaluates one (images × block of texts) tile: with {@code positivesOnDiagonal} the
 * block is the images' own texts, otherwise all pairs are negatives. Around a ring of N workers, worker k
 * runs its own block with positives and the N−1 neighbours' text blocks without, each with weight
 * 1/(N·B); the sum over workers equals the single-worker loss at batch N·B.
 */
public final class SigLipLoss {

    private SigLipLoss() {}

    public static LossResult compute(float[] image, float[] text, int batch, int dim, float logScale, float bias) {
        float[] dImage = new float[batch * dim];
        float[] dText = new float[batch * dim];
        BlockResult r = block(image, batch, text, batch, dim, true, logScale, bias, 1f / batch, dImage, dText);
        return new LossResult(r.loss(), dImage, dText, r.dLogitScale(), r.dLogitBias());
    }

    /**
     * {@code −weight · Σ_ij log σ(y_ij z_ij)} over images [nImages, E] × texts [nTexts, E].
     * dImages / dTexts (may be null) accumulate; returns the weighted loss, ∂/∂logit_scale, ∂/∂logit_bias.
     */
    public static BlockResult block(float[] images, int nImages, float[] texts, int nTexts, int dim,
                                    boolean positivesOnDiagonal, float logScale, float bias, float weight,
                                    float[] dImages, float[] dTexts) {
        if (positivesOnDiagonal && nImages != nTexts) {
            throw new IllegalArgumentException("a block with positives must be square: images=" + nImages
                    + ", texts=" + nTexts);
        }
        float s = (float) Math.exp(logScale);
        float[] dots = new float[nImages * nTexts];
        Gemm.sgemm(false, true, nImages, nTexts, dim, images, 0, dim, texts, 0, dim, dots, 0, nTexts, false);
        double loss = 0;
        double dScale = 0;
        double dBias = 0;
        for (int i = 0; i < nImages; i++) {
            for (int j = 0; j < nTexts; j++) {
                int o = i * nTexts + j;
                double y = positivesOnDiagonal && i == j ? 1 : -1;
                double z = s * dots[o] + bias;
                double yz = y * z;
                loss -= logSigmoid(yz);
                double g = -weight * y * sigmoid(-yz); // ∂/∂z
                dScale += g * dots[o];
                dBias += g;
                dots[o] = (float) (g * s);
            }
        }
        if (dImages != null) {
            Gemm.sgemm(false, false, nImages, dim, nTexts, dots, 0, nTexts, texts, 0, dim, dImages, 0, dim, true);
        }
        if (dTexts != null) {
            Gemm.sgemm(true, false, nTexts, dim, nImages, dots, 0, nTexts, images, 0, dim, dTexts, 0, dim, true);
        }
        return new BlockResult(weight * loss, dScale * s, dBias);
    }

    static double logSigmoid(double x) {
        return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}

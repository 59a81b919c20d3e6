package io.ringclip.models.loss;

import io.ringclip.models.kernels.Gemm;

/**
 * CLIP's symmetric InfoNCE (open_clip {@code ClipLoss}), fp32:
 * <pre>
 *   s = min(exp(logit_scale), 100)
 *   logits [B, B] = s · I·Tᵀ        (I, T: L2-normalised features [B, E])
 *   loss = ½ (CE(logits, diag) + CE(logitsᵀ, diag)),   CE = mean over rows of −log softmax(row)[label]
 * </pre>
 *
 * <p>Building block for exact distributed versions: {@link #rowBlock} is the cross-entropy of a block
 * of rows (e.g. the local images) against all columns (e.g. the gathered texts), with the label of row r
 * at column {@code positiveOffset + r}. On N workers with local batch B, worker k computes
 * {@code rowBlock(localI, allT, offset k·B, weight 1/(2NB))} + {@code rowBlock(localT, allI, k·B, 1/(2NB))};
 * the sum over workers of losses and of the column gradients (a reduce-scatter) equals the single-worker
 * loss and gradients at batch N·B.
 */
public final class ClipLoss {

    /** Upper clamp of exp(logit_scale). */
    public static final float MAX_SCALE = 100f;

    private ClipLoss() {}

    /** The multiplier actually applied: min(exp(logScale), 100). */
    public static float scale(float logScale) {
        return Math.min((float) Math.exp(logScale), MAX_SCALE);
    }

    /** The whole local loss on one worker. */
    public static LossResult compute(float[] image, float[] text, int batch, int dim, float logScale) {
        float[] dImage = new float[batch * dim];
        float[] dText = new float[batch * dim];
        float w = 1f / (2f * batch);
        BlockResult r = rowBlock(image, batch, text, batch, dim, 0, logScale, w, dImage, dText)
                .plus(rowBlock(text, batch, image, batch, dim, 0, logScale, w, dText, dImage));
        return new LossResult(r.loss(), dImage, dText, r.dLogitScale(), 0);
    }

    /**
     * {@code weight · Σ_r −log softmax(s · rows_r · colsᵀ)[positiveOffset + r]}.
     *
     * <pre>
     *   rows [R, E], cols [Cn, E]; dRows [R, E] += ∂/∂rows, dCols [Cn, E] += ∂/∂cols (either may be null)
     * </pre>
     * @return the weighted loss and ∂/∂logit_scale (0 where the clamp at 100 is active)
     */
    public static BlockResult rowBlock(float[] rows, int rowCount, float[] cols, int colCount, int dim,
                                       int positiveOffset, float logScale, float weight,
                                       float[] dRows, float[] dCols) {
        if (positiveOffset < 0 || positiveOffset + rowCount > colCount) {
            throw new IllegalArgumentException("positives outside the columns: positiveOffset=" + positiveOffset
                    + ", rows=" + rowCount + ", cols=" + colCount);
        }
        float s = scale(logScale);
        boolean clamped = Math.exp(logScale) > MAX_SCALE;
        float[] logits = new float[rowCount * colCount];
        Gemm.sgemm(false, true, rowCount, colCount, dim, rows, 0, dim, cols, 0, dim, logits, 0, colCount, false);
        double loss = 0;
        double dScale = 0; // ∂/∂s
        for (int r = 0; r < rowCount; r++) {
            int o = r * colCount;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < colCount; j++) {
                max = Math.max(max, s * logits[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < colCount; j++) {
                sum += Math.exp(s * logits[o + j] - max);
            }
            int label = positiveOffset + r;
            double logSum = max + Math.log(sum);
            loss += logSum - s * logits[o + label];
            for (int j = 0; j < colCount; j++) {
                double p = Math.exp(s * logits[o + j] - logSum);
                double g = weight * (p - (j == label ? 1 : 0)); // ∂/∂z_rj
                dScale += g * logits[o + j];
                logits[o + j] = (float) (g * s); // now ∂/∂(rows·colsᵀ)
            }
        }
        if (dRows != null) {
            Gemm.sgemm(false, false, rowCount, dim, colCount, logits, 0, colCount, cols, 0, dim, dRows, 0, dim, true);
        }
        if (dCols != null) {
            Gemm.sgemm(true, false, colCount, dim, rowCount, logits, 0, colCount, rows, 0, dim, dCols, 0, dim, true);
        }
        return new BlockResult(weight * loss, clamped ? 0 : dScale * s, 0);
    }
}

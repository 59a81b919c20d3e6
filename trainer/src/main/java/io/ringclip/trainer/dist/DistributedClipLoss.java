package io.ringclip.trainer.dist;

import io.ringclip.models.kernels.Gemm;

/**
 * CLIP's symmetric InfoNCE over the global batch, distributed as open_clip's
 * {@code ClipLoss(local_loss=True, gather_with_grad=True)}:
 * <pre>
 *   logits = s · I · Tᵀ            I, T: [N·B, E] all-gathered, s = exp(logit_scale)
 *   loss   = ½ · (1/NB) · ( Σᵢ CE(logits[i, :], i) + Σⱼ CE(logits[:, j], j) )
 * </pre>
 * Rank r owns image rows and text columns r·B … r·B+B−1: it computes those B rows of
 * {@code s·I_r·Tᵀ} and B rows of {@code s·T_r·Iᵀ} (two [B, NB] blocks, never the NB×NB matrix), their
 * CE terms, and the feature gradients they imply for <em>all</em> NB images and texts. One
 * reduce-scatter SUM returns to every rank the exact gradient of its own features; one scalar
 * allreduce sums the loss terms. Communication: one all-gather and one reduce-scatter of
 * 2·B·E floats per rank. Memory per rank: O(B·NB).
 *
 * <p>Message layout per rank (gather input and reduce-scatter output): {@code [image B×E | text B×E]}.
 */
public final class DistributedClipLoss implements ContrastiveLoss {

    private final FeatureExchange exchange;

    public DistributedClipLoss(FeatureExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public LossResult compute(float[] image, float[] text, int batch, int embedDim,
                              float logitScale, float logitBias, float gradScale) {
        final int n = exchange.worldSize();
        final int r = exchange.rank();
        final int b = batch;
        final int e = embedDim;
        final int nb = n * b;
        final int be = b * e;
        checkShapes(image, text, be);

        float[] local = new float[2 * be];
        System.arraycopy(image, 0, local, 0, be);
        System.arraycopy(text, 0, local, be, be);
        float[] gathered = new float[n * 2 * be];
        if (n == 1) {
            System.arraycopy(local, 0, gathered, 0, local.length);
        } else {
            exchange.allGather(local, gathered);
        }
        float[] imageAll = new float[nb * e];
        float[] textAll = new float[nb * e];
        for (int q = 0; q < n; q++) {
            System.arraycopy(gathered, q * 2 * be, imageAll, q * be, be);
            System.arraycopy(gathered, q * 2 * be + be, textAll, q * be, be);
        }

        float s = (float) Math.exp(logitScale);
        double weight = 0.5 / nb;
        // Image rows: logits[i, :] = s · image_i · textAllᵀ, target column r·B + i.
        float[] rowsI = new float[b * nb];
        Gemm.sgemm(false, true, b, nb, e, image, 0, e, textAll, 0, e, rowsI, 0, nb, false);
        // Text rows (= columns of the global logits): s · text_j · imageAllᵀ.
        float[] rowsT = new float[b * nb];
        Gemm.sgemm(false, true, b, nb, e, text, 0, e, imageAll, 0, e, rowsT, 0, nb, false);

        double[] dScale = new double[1];
        double lossPart = softmaxRows(rowsI, b, nb, r * b, s, weight, gradScale, dScale)
                + softmaxRows(rowsT, b, nb, r * b, s, weight, gradScale, dScale);
        // rowsI / rowsT now hold s·∂loss/∂logits (× gradScale).

        // full = per-rank chunks [dImage_q | dText_q] of gradients this rank's rows imply.
        float[] full = new float[n * 2 * be];
        float[] dImageAll = new float[nb * e];
        float[] dTextAll = new float[nb * e];
        Gemm.sgemm(true, false, nb, e, b, rowsI, 0, nb, image, 0, e, dTextAll, 0, e, false);
        Gemm.sgemm(true, false, nb, e, b, rowsT, 0, nb, text, 0, e, dImageAll, 0, e, false);
        float[] dImageOwn = new float[be];
        float[] dTextOwn = new float[be];
        Gemm.sgemm(false, false, b, e, nb, rowsI, 0, nb, textAll, 0, e, dImageOwn, 0, e, false);
        Gemm.sgemm(false, false, b, e, nb, rowsT, 0, nb, imageAll, 0, e, dTextOwn, 0, e, false);
        for (int q = 0; q < n; q++) {
            System.arraycopy(dImageAll, q * be, full, q * 2 * be, be);
            System.arraycopy(dTextAll, q * be, full, q * 2 * be + be, be);
        }
        int own = r * 2 * be;
        for (int i = 0; i < be; i++) {
            full[own + i] += dImageOwn[i];
            full[own + be + i] += dTextOwn[i];
        }

        float[] mine = new float[2 * be];
        float[] lossSum = {(float) lossPart};
        if (n == 1) {
            System.arraycopy(full, 0, mine, 0, mine.length);
        } else {
            exchange.reduceScatterSum(full, mine);
            exchange.allReduceSum(lossSum);
        }
        float[] dImage = new float[be];
        float[] dText = new float[be];
        System.arraycopy(mine, 0, dImage, 0, be);
        System.arraycopy(mine, be, dText, 0, be);
        return new LossResult(n == 1 ? lossPart : lossSum[0], dImage, dText, dScale[0], 0.0);
    }

    /**
     * Scales {@code rows[B, NB]} (raw dot products) by s, adds the CE terms of each row with
     * target column {@code targetBase + i}, and overwrites the rows with s·∂/∂logits of
     * {@code weight · Σ CE}, × gradScale. Adds ∂/∂logit_scale (× gradScale) to {@code dScale[0]}.
     *
     * @return weight · Σᵢ CE(row i)
     */
    static double softmaxRows(float[] rows, int b, int nb, int targetBase, float s,
                              double weight, float gradScale, double[] dScale) {
        double loss = 0;
        double dt = 0;
        for (int i = 0; i < b; i++) {
            int base = i * nb;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < nb; j++) {
                double logit = (double) s * rows[base + j];
                max = Math.max(max, logit);
            }
            double sum = 0;
            for (int j = 0; j < nb; j++) {
                sum += Math.exp((double) s * rows[base + j] - max);
            }
            double lse = max + Math.log(sum);
            int target = targetBase + i;
            loss += lse - (double) s * rows[base + target];
            for (int j = 0; j < nb; j++) {
                double logit = (double) s * rows[base + j];
                double g = (Math.exp(logit - lse) - (j == target ? 1 : 0)) * weight * gradScale;
                dt += g * logit; // ∂logit/∂t = logit, since logit = exp(t)·dot
                rows[base + j] = (float) (g * s);
            }
        }
        dScale[0] += dt;
        return loss * weight;
    }

    static void checkShapes(float[] image, float[] text, int be) {
        if (image.length < be || text.length < be) {
            throw new IllegalArgumentException("feature buffers too small: expected=" + be
                    + ", image=" + image.length + ", text=" + text.length);
        }
    }
}

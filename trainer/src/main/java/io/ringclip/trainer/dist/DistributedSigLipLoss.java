package io.ringclip.trainer.dist;

import io.ringclip.models.kernels.Gemm;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * SigLIP's pairwise sigmoid loss over the global batch, with the text features travelling
 * around the ring (open_clip's {@code SigLipLoss} with neighbour exchange):
 * <pre>
 *   logits = s · I · Tᵀ + b              s = exp(logit_scale), b = logit_bias
 *   y_ij   = +1 if i == j else −1        (i, j global indices)
 *   loss   = −(1/NB) · Σ_ij log σ(y_ij · logits_ij)
 * </pre>
 * <b>Normalisation.</b> open_clip divides each rank's sum by its local batch B and DDP then
 * averages over N ranks, i.e. 1/(N·B) overall; one rank with batch N·B divides by N·B. Both equal
 * the definition above, which is what this class computes, so N×B == 1×N·B exactly.
 *
 * <p><b>Ring schedule.</b> At step k ∈ [0, N) rank r holds the text block of owner (r − k) mod N and
 * computes its B×B block of the loss. The block's features are forwarded to rank r+1 while the
 * block is being computed (N−1 exchanges, overlapped with compute); the block's text gradient
 * travels one exchange behind: each rank adds its contribution and forwards the accumulator, so
 * after N exchanges the accumulator of every block is back at its owner with all N contributions.
 * Memory per rank: O(B²) for logits plus a few B×E buffers, independent of N.
 */
public final class DistributedSigLipLoss implements ContrastiveLoss {

    private final FeatureExchange exchange;

    public DistributedSigLipLoss(FeatureExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public LossResult compute(float[] image, float[] text, int batch, int embedDim,
                              float logitScale, float logitBias, float gradScale) {
        final int n = exchange.worldSize();
        final int r = exchange.rank();
        final int b = batch;
        final int e = embedDim;
        final int be = b * e;
        DistributedClipLoss.checkShapes(image, text, be);
        final float s = (float) Math.exp(logitScale);
        final double weight = 1.0 / ((double) n * b);

        float[] current = java.util.Arrays.copyOf(text, be);
        float[] next = new float[be];
        float[] logits = new float[b * b];
        float[] contribution = new float[be];
        float[] accSend = new float[be];
        float[] accRecv = new float[be];
        float[] dImage = new float[be];
        double lossPart = 0;
        double[] dParams = new double[2]; // [∂/∂logit_scale, ∂/∂logit_bias]
        CompletableFuture<Void> gradInFlight = null;

        for (int k = 0; k < n; k++) {
            int owner = Math.floorMod(r - k, n);
            CompletableFuture<Void> textInFlight = k < n - 1 ? exchange.sendRecvAsync(current, next) : null;

            Gemm.sgemm(false, true, b, b, e, image, 0, e, current, 0, e, logits, 0, b, false);
            lossPart += sigmoidBlock(logits, b, owner == r, s, logitBias, weight, gradScale, dParams);
            // logits now hold s·∂loss/∂logits (× gradScale).
            Gemm.sgemm(false, false, b, e, b, logits, 0, b, current, 0, e, dImage, 0, e, true);
            Gemm.sgemm(true, false, b, e, b, logits, 0, b, image, 0, e, contribution, 0, e, false);

            if (gradInFlight != null) {
                await(gradInFlight, "siglip text-gradient exchange", k);
                for (int i = 0; i < be; i++) {
                    accSend[i] = accRecv[i] + contribution[i];
                }
            } else {
                System.arraycopy(contribution, 0, accSend, 0, be);
            }
            if (n > 1) {
                gradInFlight = exchange.sendRecvAsync(accSend, accRecv);
            }
            if (textInFlight != null) {
                await(textInFlight, "siglip text-feature exchange", k);
                float[] t = current;
                current = next;
                next = t;
            }
        }
        float[] dText;
        float[] lossSum = {(float) lossPart};
        if (n == 1) {
            dText = accSend;
        } else {
            await(gradInFlight, "siglip text-gradient exchange", n);
            dText = accRecv;
            exchange.allReduceSum(lossSum);
        }
        return new LossResult(n == 1 ? lossPart : lossSum[0], dImage, dText, dParams[0], dParams[1]);
    }

    /**
     * Turns the raw dot products {@code block[B, B]} into s·∂loss/∂logits (× gradScale) for a
     * block whose diagonal is positive iff {@code diagonalPositive}; adds ∂/∂t and ∂/∂b to
     * {@code dParams}. Returns the block's loss terms × weight.
     */
    static double sigmoidBlock(float[] block, int b, boolean diagonalPositive, float s, float bias,
                               double weight, float gradScale, double[] dParams) {
        double loss = 0;
        double dt = 0;
        double db = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b; j++) {
                int idx = i * b + j;
                double dotScaled = (double) s * block[idx];
                double logit = dotScaled + bias;
                double y = diagonalPositive && i == j ? 1 : -1;
                double z = y * logit;
                // −log σ(z) = softplus(−z), computed without overflow
                loss += Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
                double sigNeg = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z)); // σ(−z)
                double g = -y * sigNeg * weight * gradScale;
                dt += g * dotScaled;
                db += g;
                block[idx] = (float) (g * s);
            }
        }
        dParams[0] += dt;
        dParams[1] += db;
        return loss * weight;
    }

    private static void await(CompletableFuture<Void> f, String what, int step) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: op=" + what + ", step=" + step, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("failed: op=" + what + ", step=" + step + ": " + c, c);
        }
    }
}

package io.ringclip.trainer.dist;

/**
 * A contrastive loss over the global batch, computed by every rank on its own B image and text
 * features. Defined so that N ranks × B samples give exactly the loss and gradients of one rank
 * with N·B samples: each rank returns its share of the parameter-independent gradients, and the
 * shares sum (gradient sync SUMs, not averages).
 */
public interface ContrastiveLoss {

    /**
     * @param image       [B, E] L2-normalised image features of this rank
     * @param text        [B, E] L2-normalised text features of this rank (pair i ↔ image i)
     * @param batch       B, equal on every rank
     * @param embedDim    E
     * @param logitScale  the log-temperature parameter t; logits use exp(t)
     * @param logitBias   SigLIP's bias b (ignored by CLIP)
     * @param gradScale   multiplies every returned gradient (the fp16 loss scale; 1 otherwise)
     */
    LossResult compute(float[] image, float[] text, int batch, int embedDim,
                       float logitScale, float logitBias, float gradScale);
}

package io.ringclip.models.loss;

/**
 * A contrastive loss and its gradients (fp32).
 *
 * @param loss        the scalar loss
 * @param dImage      ∂loss/∂imageFeatures [B, E]
 * @param dText       ∂loss/∂textFeatures [B, E]
 * @param dLogitScale ∂loss/∂logit_scale, w.r.t. the stored log value
 * @param dLogitBias  ∂loss/∂logit_bias (0 for CLIP)
 */
public record LossResult(double loss, float[] dImage, float[] dText, double dLogitScale, double dLogitBias) {}

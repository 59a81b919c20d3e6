package io.ringclip.trainer.dist;

/**
 * Output of a distributed contrastive loss on one rank.
 *
 * @param loss         the global loss (identical on every rank), fp32 math, not multiplied by the grad scale
 * @param dImage       [B, E] gradient w.r.t. this rank's (normalised) image features, × gradScale
 * @param dText        [B, E] gradient w.r.t. this rank's (normalised) text features, × gradScale
 * @param dLogitScale  this rank's share of ∂loss/∂logit_scale (the log-temperature parameter), × gradScale;
 *                     the shares sum to the full gradient over ranks, so gradient sync must SUM
 * @param dLogitBias   this rank's share of ∂loss/∂logit_bias (SigLIP; 0 for CLIP), × gradScale
 */
public record LossResult(double loss, float[] dImage, float[] dText, double dLogitScale, double dLogitBias) {}

package io.ringclip.trainer.config;

/** The contrastive objective: softmax InfoNCE (CLIP) or pairwise sigmoid (SigLIP). */
public enum LossType {
    CLIP,
    SIGLIP
}

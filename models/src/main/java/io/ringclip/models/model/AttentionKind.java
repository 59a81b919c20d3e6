package io.ringclip.models.model;

/** Which attention kernel the towers use; both give the same values and gradients up to rounding. */
public enum AttentionKind {
    /** Keeps the T×T probabilities per head for backward ({@link io.ringclip.models.nn.Attention}). */
    PLAIN,
    /** Online softmax over key tiles, saves only log-sum-exp ({@link io.ringclip.models.nn.FlashAttention}). */
    FLASH
}

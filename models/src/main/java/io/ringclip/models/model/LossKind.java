package io.ringclip.models.model;

/** Which contrastive loss the model is trained with; decides the scalar parameters it owns. */
public enum LossKind {
    /** Softmax InfoNCE; one scalar {@code logit_scale} (log temperature), init log(1/0.07). */
    CLIP,
    /** Sigmoid loss; {@code logit_scale} init log 10 and {@code logit_bias} init −10. */
    SIGLIP
}

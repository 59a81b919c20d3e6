package io.ringclip.models.tensor;

/**
 * Number format of the matmul inputs and of the activations a training forward saves for backward.
 * Master weights, gradients, layer norm, softmax and the losses are always fp32.
 */
public enum Precision {
    /** Everything in fp32. */
    FP32,
    /** IEEE half: 5-bit exponent, max 65504; activation gradients overflow to inf like PyTorch AMP. */
    FP16,
    /** bfloat16: fp32's exponent range with an 8-bit significand. */
    BF16;

    public boolean isLow() {
        return this != FP32;
    }

    /** Bytes per element of a saved activation. */
    public int bytesPerElement() {
        return this == FP32 ? 4 : 2;
    }
}

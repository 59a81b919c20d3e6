package io.ringclip.trainer.config;

/**
 * Arithmetic of the forward/backward matmuls. Master weights, the optimizer, layer norm, softmax
 * and the loss are fp32 in every mode. FP16 needs dynamic loss scaling; BF16 has fp32's exponent
 * range and runs unscaled.
 */
public enum Precision {
    FP32,
    FP16,
    BF16;

    public boolean needsLossScaling() {
        return this == FP16;
    }
}

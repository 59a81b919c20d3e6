package io.ringclip.models.model;

import io.ringclip.models.tensor.LowPrecision;
import io.ringclip.models.tensor.Precision;

/**
 * Arrays and settings shared by every layer during one forward/backward.
 *
 * @param mm        weights the matmuls read: the master arena in fp32, its 16-bit-rounded copy otherwise
 * @param master    fp32 master values (layer norm, embeddings, class token read these)
 * @param grads     gradient arena (null in inference)
 * @param precision activation format
 * @param threads   threads for non-GEMM ops
 * @param attention attention kernel
 * @param ws        scratch
 */
record StepContext(float[] mm, float[] master, float[] grads, Precision precision, int threads,
                   AttentionKind attention, Workspace ws) {

    /** Rounds a matmul input computed in fp32 scratch to the matmul precision (no-op in fp32). */
    void roundActivation(float[] x, int n) {
        LowPrecision.roundInPlace(precision, x, 0, n);
    }

    /**
     * Rounds an activation gradient to the precision PyTorch AMP would hold it in (fp16: values beyond
     * ±65504 become ±inf, which the trainer's loss scaler detects).
     */
    void roundGradient(float[] x, int n) {
        LowPrecision.roundInPlace(precision, x, 0, n);
    }
}

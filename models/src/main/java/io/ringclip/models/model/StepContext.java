package io.ringclip.models.model;

import io.ringclip.models.tensor.Precision;

/**
 * Arrays and settings shared by every layer during one forward/backward.
 *
 * @param low       16-bit weight window (null in fp32: matmuls read the master arena)
 * @param generation forward counter, invalidates the weight window after an optimizer step
 * @param master    fp32 master values (layer norm, embeddings, class token read these)
 * @param grads     gradient arena (null in inference)
 * @param precision activation format
 * @param threads   threads for non-GEMM ops
 * @param attention attention kernel
 * @param ws        scratch
 */
record StepContext(LowPrecisionWeights low, long generation, float[] master, float[] grads, Precision precision, int threads,
                   AttentionKind attention, Workspace ws) {

    /**
     * The weights a matmul reads for the arena range [from, to): the master arena (fp32) or the rounded
     * window. Index the result with {@code arenaOffset − shift(from)}.
     */
    float[] weights(int from, int to) {
        return low == null ? master : low.window(from, to, generation);
    }

    int shift(int from) {
        return low == null ? 0 : from;
    }

    /** Rounds a matmul input computed in fp32 scratch to the matmul precision (no-op in fp32). */
    void roundActivation(float[] x, int n) {
        precision.roundInPlace(x, 0, n);
    }

    /**
     * Rounds an activation gradient to the precision PyTorch AMP would hold it in (fp16: values beyond
     * ±65504 become ±inf, which the trainer's loss scaler detects).
     */
    void roundGradient(float[] x, int n) {
        precision.roundInPlace(x, 0, n);
    }
}

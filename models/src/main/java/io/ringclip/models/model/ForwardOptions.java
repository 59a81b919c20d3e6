package io.ringclip.models.model;

import io.ringclip.models.tensor.Precision;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Options of one training forward.
 *
 * @param precision    matmul / saved-activation format (master weights and grads stay fp32)
 * @param patchDropout FLIP: fraction of patch tokens dropped per image, in [0, 1); 0 = off
 * @param lockImage    LiT: the image tower runs without saving activations and gets no gradients
 * @param rng          randomness for patch dropout
 * @param threads      threads for the non-GEMM ops (the GEMMs use {@code Gemm.setThreads})
 * @param attention    attention kernel
 */
public record ForwardOptions(Precision precision, double patchDropout, boolean lockImage, RandomGenerator rng,
                             int threads, AttentionKind attention) {

    public ForwardOptions {
        if (precision == null || rng == null || attention == null) {
            throw new IllegalArgumentException("forward options must not be null: precision=" + precision
                    + ", rng=" + rng + ", attention=" + attention);
        }
        if (!(patchDropout >= 0 && patchDropout < 1)) {
            throw new IllegalArgumentException("patchDropout must be in [0, 1): patchDropout=" + patchDropout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: threads=" + threads);
        }
    }

    /** fp32, no patch dropout, both towers trained, flash attention, all cores. */
    public static ForwardOptions defaults() {
        return new ForwardOptions(Precision.FP32, 0, false, new SplittableRandom(0),
                Runtime.getRuntime().availableProcessors(), AttentionKind.FLASH);
    }

    public ForwardOptions withPrecision(Precision p) {
        return new ForwardOptions(p, patchDropout, lockImage, rng, threads, attention);
    }

    public ForwardOptions withPatchDropout(double fraction) {
        return new ForwardOptions(precision, fraction, lockImage, rng, threads, attention);
    }

    public ForwardOptions withLockImage(boolean lock) {
        return new ForwardOptions(precision, patchDropout, lock, rng, threads, attention);
    }

    public ForwardOptions withRng(RandomGenerator r) {
        return new ForwardOptions(precision, patchDropout, lockImage, r, threads, attention);
    }

    public ForwardOptions withThreads(int n) {
        return new ForwardOptions(precision, patchDropout, lockImage, rng, n, attention);
    }

    public ForwardOptions withAttention(AttentionKind kind) {
        return new ForwardOptions(precision, patchDropout, lockImage, rng, threads, kind);
    }
}

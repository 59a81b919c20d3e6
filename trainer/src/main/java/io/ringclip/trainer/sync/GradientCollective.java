package io.ringclip.trainer.sync;

import java.util.concurrent.CompletableFuture;

/**
 * What gradient sync needs from the collectives layer: an in-place SUM allreduce of a slice of
 * the gradient arena, asynchronous so it can run while backward continues. Calls are issued in
 * the same order on every rank. The element type on the wire is the implementation's choice
 * (fp32, or fp16/bf16 with fp32 accumulation).
 */
public interface GradientCollective {

    CompletableFuture<Void> allReduceSumAsync(float[] data, int offset, int length);
}

package io.ringclip.trainer.loop;

/**
 * What one optimizer step did, identical on every rank except the timings.
 *
 * @param step          optimizer step index (0-based) this result belongs to
 * @param loss          global loss, mean over the accumulation micro-steps
 * @param lr            learning rate used
 * @param gradNorm      global L2 norm of the synced, unscaled gradients before clipping (inf on overflow)
 * @param lossScale     loss scale used for this step's backward
 * @param skipped       true if the step was skipped (inf/NaN gradients)
 * @param samples       samples consumed by all ranks
 * @param computeNanos  forward + loss + backward time on this rank
 * @param commWaitNanos time this rank blocked on the gradient allreduce after backward
 * @param totalNanos    wall time of the whole step on this rank
 */
public record StepResult(int step, double loss, double lr, double gradNorm, double lossScale, boolean skipped,
                         long samples, long computeNanos, long commWaitNanos, long totalNanos) {}

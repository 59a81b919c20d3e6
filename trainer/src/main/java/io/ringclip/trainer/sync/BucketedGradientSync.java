package io.ringclip.trainer.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Gradient sync overlapped with backward. Backward reports each slice of the gradient arena that
 * has become final ({@link #gradientsReady}); when every element of a bucket is final, the bucket
 * is ready. Ready buckets are launched strictly in plan order (bucket k only after 0..k−1), so
 * every rank issues the same collectives in the same order even if backward reports slices from
 * several threads. {@link #finish()} launches whatever is left (slices backward never reported,
 * e.g. parameters outside the graph) and waits for all of them.
 *
 * <p>With {@code overlap == false} nothing is launched before {@link #finish()}: the baseline for
 * measuring what overlap buys.
 *
 * <p>One instance per worker; reused across steps via {@link #begin()}. Slices outside every
 * bucket (frozen parameters) are ignored.
 */
public final class BucketedGradientSync {

    private final BucketPlan plan;
    private final GradientCollective collective;
    private final float[] grads;
    private final boolean overlap;
    private final long[] remaining;
    private final List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    private int nextToLaunch;
    private long waitNanos;

    public BucketedGradientSync(BucketPlan plan, GradientCollective collective, float[] grads, boolean overlap) {
        this.plan = plan;
        this.collective = collective;
        this.grads = grads;
        this.overlap = overlap;
        this.remaining = new long[plan.size()];
        for (Bucket b : plan.buckets()) {
            if (b.to() > grads.length) {
                throw new IllegalArgumentException("bucket outside the arena: bucket=" + b + ", arena=" + grads.length);
            }
        }
        begin();
    }

    /** Resets readiness for a new backward pass whose gradients will be synced. */
    public synchronized void begin() {
        for (Bucket b : plan.buckets()) {
            remaining[b.index()] = b.length();
        }
        inFlight.clear();
        nextToLaunch = 0;
        waitNanos = 0;
    }

    /** Backward's callback: {@code grads[offset, offset + length)} will not change any more this pass. */
    public synchronized void gradientsReady(int offset, int length) {
        int end = offset + length;
        for (Bucket b : plan.buckets()) {
            int lo = Math.max(offset, b.from());
            int hi = Math.min(end, b.to());
            if (lo < hi) {
                long left = remaining[b.index()] -= (hi - lo);
                if (left < 0) {
                    throw new IllegalStateException("gradient slice reported twice: bucket=" + b
                            + ", offset=" + offset + ", length=" + length);
                }
            }
        }
        if (overlap) {
            launchReadyPrefix(false);
        }
    }

    /** Launches all remaining buckets and waits for every allreduce of this pass. */
    public void finish() {
        List<CompletableFuture<Void>> pending;
        synchronized (this) {
            launchReadyPrefix(true);
            pending = new ArrayList<>(inFlight);
        }
        long t0 = System.nanoTime();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for gradient allreduce", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("gradient allreduce failed: " + cause, cause);
        } finally {
            waitNanos = System.nanoTime() - t0;
        }
    }

    /** Time {@link #finish()} spent blocked on communication in the last pass, ns. */
    public long lastWaitNanos() {
        return waitNanos;
    }

    /** Buckets launched before {@link #finish()} in the last pass (overlapped with backward). */
    public synchronized int launchedCount() {
        return nextToLaunch;
    }

    public BucketPlan plan() {
        return plan;
    }

    private void launchReadyPrefix(boolean all) {
        List<Bucket> buckets = plan.buckets();
        while (nextToLaunch < buckets.size() && (all || remaining[nextToLaunch] == 0)) {
            Bucket b = buckets.get(nextToLaunch++);
            inFlight.add(collective.allReduceSumAsync(grads, b.from(), b.length()));
        }
    }
}

package io.ringclip.models.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits {@code [0, n)} into at most {@code threads} contiguous chunks and runs them concurrently,
 * the calling thread taking the first chunk. Used by the bandwidth-bound ops (layer norm, GELU,
 * attention over (batch, head) pairs); the matmuls thread themselves inside {@code Gemm}.
 */
public final class Parallel {

    /** Work on {@code [start, end)}; {@code worker} in {@code [0, threads)} indexes per-thread scratch. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end, int worker);
    }

    private static final ForkJoinPool POOL = new ForkJoinPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setName("ringclip-ops-" + t.getPoolIndex());
                t.setDaemon(true);
                return t;
            }, null, false);

    private Parallel() {}

    public static void forRange(int n, int threads, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads, n));
        if (chunks == 1) {
            if (n > 0) {
                body.run(0, n, 0);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks];
        for (int c = 1; c < chunks; c++) {
            int s = (int) ((long) n * c / chunks);
            int e = (int) ((long) n * (c + 1) / chunks);
            int worker = c;
            tasks[c] = POOL.submit(() -> body.run(s, e, worker));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks), 0);
        } catch (Throwable t) {
            failure = t;
        }
        for (int c = 1; c < chunks; c++) {
            try {
                tasks[c].join();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }
}

package io.ringclip.trainer.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/**
 * Simulation mode's process model: one platform thread per rank, each running the same worker
 * code a real cluster runs. If any worker fails, every communicator is aborted so the others fail
 * within one collective instead of waiting for a deadline; the first failure (by time) is rethrown
 * with its rank.
 */
public final class WorkerThreads {

    private WorkerThreads() {}

    public static <T> List<T> run(List<? extends WorkerComm> comms, IntFunction<Callable<T>> workerOfRank) {
        int n = comms.size();
        List<CompletableFuture<T>> results = new ArrayList<>(n);
        CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
        List<Thread> threads = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            final int rank = r;
            CompletableFuture<T> result = new CompletableFuture<>();
            results.add(result);
            Callable<T> body = workerOfRank.apply(rank);
            Thread t = Thread.ofPlatform().name("ringclip-worker-" + rank).unstarted(() -> {
                try {
                    result.complete(body.call());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                    if (firstFailure.complete(new WorkerFailedException(rank, e))) {
                        for (WorkerComm c : comms) {
                            c.abort(e);
                        }
                    }
                }
            });
            threads.add(t);
        }
        threads.forEach(Thread::start);
        List<T> out = new ArrayList<>(n);
        for (CompletableFuture<T> f : results) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                comms.forEach(c -> c.abort(e));
                throw new IllegalStateException("interrupted while waiting for workers", e);
            } catch (ExecutionException e) {
                // fall through: report the first failure below, after all threads are done
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (firstFailure.isDone()) {
            throw (WorkerFailedException) firstFailure.join();
        }
        return out;
    }

    /** A worker of simulation mode failed; the cause is that worker's exception. */
    public static final class WorkerFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int rank;

        WorkerFailedException(int rank, Throwable cause) {
            super("worker failed: rank=" + rank + ", cause=" + cause, cause);
            this.rank = rank;
        }

        public int rank() {
            return rank;
        }
    }
}

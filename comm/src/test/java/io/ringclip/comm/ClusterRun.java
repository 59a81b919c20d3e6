package io.ringclip.comm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Runs one body per rank, each on its own thread, and collects the results (test helper). */
public final class ClusterRun {

    private ClusterRun() {}

    public interface RankBody<T> {
        T run(Communicator c) throws Exception;
    }

    /** Runs {@code body} on every communicator concurrently; rethrows the first failure. */
    public static <T> List<T> onAllRanks(List<Communicator> comms, Duration timeout, RankBody<T> body) {
        List<CompletableFuture<T>> futures = start(comms, body);
        List<T> results = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CompletableFuture<T> f : futures) {
            try {
                results.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new AssertionError(e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("ranks did not finish within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return results;
    }

    /** Starts {@code body} on every communicator and returns the futures without waiting. */
    public static <T> List<CompletableFuture<T>> start(List<Communicator> comms, RankBody<T> body) {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (Communicator c : comms) {
            CompletableFuture<T> f = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    f.complete(body.run(c));
                } catch (Throwable e) {
                    f.completeExceptionally(e);
                }
            }, "test-rank-" + c.rank());
            t.setDaemon(true);
            t.start();
            futures.add(f);
        }
        return futures;
    }

    public static <T> Function<Communicator, T> unchecked(RankBody<T> body) {
        return c -> {
            try {
                return body.run(c);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
    }
}

package io.ringclip.models.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * The shared daemon thread pool that multi-threaded GEMM calls run on.
 *
 * <p>A call is cut into {@code parts}; the calling thread and up to {@code threads − 1} pool
 * threads claim parts from a shared counter until none are left. Claiming (rather than a fixed
 * split) keeps a call from waiting on one slow thread when the machine is shared. The pool is a
 * cached pool so callers that are themselves running in parallel (e.g. one thread per worker in
 * simulation mode) never wait for each other's helper threads.
 */
final class GemmWorkers {

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "ringclip-gemm-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private GemmWorkers() {}

    /**
     * Runs {@code body.accept(part)} for every part in [0, parts) on up to {@code threads} threads,
     * the caller included, and returns when all parts are done. The first exception thrown by any
     * part is rethrown here (remaining parts are skipped).
     */
    static void run(int threads, int parts, IntConsumer body) {
        int helpers = Math.min(threads, parts) - 1;
        if (helpers <= 0) {
            for (int part = 0; part < parts; part++) {
                body.accept(part);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch helpersDone = new CountDownLatch(helpers);
        Runnable claimLoop = () -> claimParts(parts, body, next, failure);
        for (int h = 0; h < helpers; h++) {
            POOL.execute(() -> {
                try {
                    claimLoop.run();
                } finally {
                    helpersDone.countDown();
                }
            });
        }
        claimLoop.run();
        awaitUninterruptibly(helpersDone);
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("GEMM worker failed", t);
        }
    }

    private static void claimParts(int parts, IntConsumer body, AtomicInteger next, AtomicReference<Throwable> failure) {
        int part;
        while (failure.get() == null && (part = next.getAndIncrement()) < parts) {
            try {
                body.accept(part);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }
    }

    /** The parts are pure computation and always finish; an interrupt is kept for the caller to see. */
    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.ringclip.coordinator.server;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns the coordinator's state: commands are queued and run in order, and a
 * periodic tick drives heartbeat deadlines and join timeouts.
 */
public interface CommandLoop extends Executor, AutoCloseable {

    /** Runs {@code tick} every {@code period} on the loop; a no-op for {@link #direct()}. */
    void scheduleTicks(Runnable tick, Duration period);

    @Override
    void close();

    /** A dedicated daemon thread named {@code name}. */
    static CommandLoop singleThread(String name) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return new CommandLoop() {
            @Override
            public void execute(Runnable command) {
                executor.execute(command);
            }

            @Override
            public void scheduleTicks(Runnable tick, Duration period) {
                long periodNs = period.toNanos();
                executor.scheduleAtFixedRate(tick, periodNs, periodNs, TimeUnit.NANOSECONDS);
            }

            @Override
            public void close() {
                shutdown(executor);
            }
        };
    }

    /**
     * Runs each command on the calling thread and never ticks: for tests that drive time with a
     * manual clock and call {@code tick()} themselves, from one thread.
     */
    static CommandLoop direct() {
        return new CommandLoop() {
            @Override
            public void execute(Runnable command) {
                command.run();
            }

            @Override
            public void scheduleTicks(Runnable tick, Duration period) {}

            @Override
            public void close() {}
        };
    }

    private static void shutdown(ScheduledExecutorService executor) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package io.ringclip.it.cluster;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Polls until a condition holds or a deadline passes. The deadline only bounds a wait (a slow,
 * shared machine makes a test slower, never wrong); the timeout message shows the last value seen.
 * A poll that throws (a coordinator that is restarting) counts as "not yet".
 */
public final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

    private Await() {}

    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = probe.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                AssertionError timedOut = new AssertionError("timed out waiting for " + what
                        + ": timeout=" + timeout + ", last=" + (lastError != null ? lastError : last));
                if (lastError != null) {
                    timedOut.initCause(lastError);
                }
                throw timedOut;
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}

package io.ringclip.coordinator.membership;

import java.time.Duration;

/** A clock that moves only when told to; both readings advance together. Thread-safe. */
public final class ManualClock implements CoordinatorClock {

    private static final long START_UNIX_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private long nanos;

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return START_UNIX_MS + nanos / 1_000_000L;
    }

    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time moves forward only: advance=" + d);
        }
        nanos += d.toNanos();
    }
}

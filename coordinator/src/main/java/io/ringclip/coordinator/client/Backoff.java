package io.ringclip.coordinator.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential retry delays: initial, doubling up to max, each with ±20 % jitter. Not thread-safe. */
final class Backoff {

    private final long initialNs;
    private final long maxNs;
    private long nextNs;

    Backoff(Duration initial, Duration max) {
        this.initialNs = initial.toNanos();
        this.maxNs = max.toNanos();
        this.nextNs = initialNs;
    }

    long nextDelayNs() {
        long base = nextNs;
        nextNs = Math.min(maxNs, nextNs * 2);
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return (long) (base * jitter);
    }

    void reset() {
        nextNs = initialNs;
    }
}

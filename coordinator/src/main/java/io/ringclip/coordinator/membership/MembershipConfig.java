package io.ringclip.coordinator.membership;

import java.time.Duration;

/**
 * Timing and defaults of the membership state machine.
 *
 * @param heartbeatTimeoutNs a worker silent for longer than this is evicted
 * @param joinTimeoutNs      once min_workers have joined (and fewer than max_workers), how long the
 *                           first rendezvous of a job waits for more joiners; 0 = rendezvous at once
 * @param defaultMinWorkers  min_workers for a job that does not set it
 */
public record MembershipConfig(long heartbeatTimeoutNs, long joinTimeoutNs, int defaultMinWorkers) {

    public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(2);

    public MembershipConfig {
        if (heartbeatTimeoutNs <= 0) {
            throw new IllegalArgumentException("heartbeat timeout must be > 0: heartbeatTimeoutNs=" + heartbeatTimeoutNs);
        }
        if (joinTimeoutNs < 0) {
            throw new IllegalArgumentException("join timeout must be >= 0: joinTimeoutNs=" + joinTimeoutNs);
        }
        if (defaultMinWorkers < 1) {
            throw new IllegalArgumentException("default min workers must be >= 1: defaultMinWorkers=" + defaultMinWorkers);
        }
    }

    public static MembershipConfig of(Duration heartbeatTimeout, Duration joinTimeout, int defaultMinWorkers) {
        return new MembershipConfig(heartbeatTimeout.toNanos(), joinTimeout.toNanos(), defaultMinWorkers);
    }

    public static MembershipConfig defaults() {
        return of(DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_JOIN_TIMEOUT, 1);
    }
}

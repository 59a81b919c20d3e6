package io.ringclip.coordinator.membership;

import java.util.Map;

/**
 * A worker as the state machine knows it, immutable.
 *
 * @param rank            index in the current ring, -1 when not in a RUNNING ring
 * @param lastHeartbeatNs monotonic time of the last join or heartbeat
 */
public record MemberView(
        String workerId,
        String host,
        int dataPort,
        Map<String, String> capabilities,
        long joinedNs,
        long lastHeartbeatNs,
        int rank,
        boolean drained) {

    public MemberView {
        capabilities = Map.copyOf(capabilities);
    }

    public String address() {
        return host + ":" + dataPort;
    }
}

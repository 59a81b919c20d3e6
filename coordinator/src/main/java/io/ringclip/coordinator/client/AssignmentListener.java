package io.ringclip.coordinator.client;

import io.grpc.Status;
import io.ringclip.coordinator.api.Assignment;

/**
 * Receives a worker's assignments, in order, each once, on the client's own thread (do not block
 * it for long: heartbeats share it). A new generation means: abort the step in flight and rebuild
 * the ring from {@code peers}; state STOPPED means: stop this job (see {@code reason}).
 */
@FunctionalInterface
public interface AssignmentListener {

    void onAssignment(Assignment assignment);

    /** The client gave up for good (drained, refused token, invalid identity); no more calls follow. */
    default void onTerminated(Status cause) {}
}

package io.ringclip.comm.transport.local;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.TransportCommunicator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Simulation mode: {@code worldSize} communicators in one JVM, joined by the in-memory transport. */
public final class LocalCluster {

    private LocalCluster() {}

    /**
     * One communicator per rank (index = rank), generation 0. Use each from its own thread: a
     * collective returns only when every rank has called it.
     */
    public static List<Communicator> create(int worldSize, CommConfig config) {
        return create(worldSize, 0, config);
    }

    public static List<Communicator> create(int worldSize, long generation, CommConfig config) {
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1: worldSize=" + worldSize);
        }
        List<LocalTransport> fabric = new ArrayList<>(worldSize);
        List<LocalTransport> view = Collections.unmodifiableList(fabric);
        for (int rank = 0; rank < worldSize; rank++) {
            fabric.add(new LocalTransport(rank, worldSize, view));
        }
        List<Communicator> communicators = new ArrayList<>(worldSize);
        for (LocalTransport transport : fabric) {
            communicators.add(new TransportCommunicator(transport, generation, config));
        }
        return List.copyOf(communicators);
    }
}

package io.ringclip.trainer.cluster;

import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.transport.netty.NettyEndpoint;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.trainer.config.WireFormatChoice;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A worker's ring across generations: one listening {@link NettyEndpoint} (its port is what the
 * coordinator publishes, so it stays bound for the worker's life), one communicator per
 * generation behind the {@link ElasticComm} the training loop holds.
 *
 * <p>When the coordinator publishes a newer RUNNING generation, or tells this worker to stop,
 * the current communicator is aborted at once (on the coordinator client's thread): the step in
 * flight fails fast with a {@link CollectiveException} on every rank, instead of waiting for an op
 * deadline. The training thread then {@link #closeCurrent() closes} it and
 * {@link #connectNext connects} the next one. WAITING/PAUSED generations do not abort a ring that
 * still works (e.g. while workers re-join a restarted coordinator); a broken one is replaced anyway.
 *
 * <p>Once training is done the worker {@link #retire() retires} the ring: the job's end (a STOPPED
 * assignment) is then the expected outcome, not a reason to abort a communicator nobody uses.
 */
public final class ElasticRing implements AutoCloseable {

    private final NettyEndpoint endpoint;
    private final CoordinatorRendezvous rendezvous;
    private final ElasticComm comm;
    private final Consumer<String> log;
    private boolean retired; // guarded by this

    public ElasticRing(NettyEndpoint endpoint, CoordinatorRendezvous rendezvous, WireFormatChoice gradientWire,
            Consumer<String> log) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.rendezvous = Objects.requireNonNull(rendezvous, "rendezvous");
        this.comm = new ElasticComm(gradientWire);
        this.log = Objects.requireNonNull(log, "log");
        rendezvous.addObserver(this::onAssignment);
    }

    /** What the training loop trains with; its communicator changes with the generation. */
    public ElasticComm comm() {
        return comm;
    }

    public CoordinatorRendezvous rendezvous() {
        return rendezvous;
    }

    /**
     * Closes the current communicator (if any), waits for the next RUNNING generation and connects
     * to its peers. If connecting fails while the coordinator still publishes that generation (a
     * peer is slow to come up, e.g. a newcomer still preparing), it tries the same ring again; if
     * the coordinator moved on (a peer vanished and was evicted), it takes the newer one. All
     * until {@code timeout}.
     *
     * @throws JobStoppedException the coordinator says this worker's job is over
     * @throws IllegalStateException no ring within {@code timeout}
     */
    public void connectNext(Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        Communicator old = comm.communicator();
        long after = old == null ? Long.MIN_VALUE : old.generation();
        closeCurrent();
        while (true) {
            RendezvousResult r = rendezvous.awaitRunningAfter(after, Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())));
            Communicator c;
            try {
                c = endpoint.connect(r);
            } catch (CollectiveException e) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("no ring within the deadline: timeout=" + timeout + ", last_error=" + e.getMessage(), e);
                }
                log.accept("connecting the ring failed, retrying while generation " + r.generation() + " is current: " + e.getMessage());
                after = r.generation() - 1; // the same generation again, or any newer one
                continue;
            }
            comm.swap(c);
            log.accept("ring connected: generation=" + r.generation() + ", rank=" + r.rank() + ", world_size=" + r.worldSize());
            Assignment latest = rendezvous.latest();
            if (latest != null && supersedes(latest, r.generation())) { // the coordinator moved on while we connected
                c.abort(new IllegalStateException(changed(r.generation(), latest)));
            }
            return;
        }
    }

    /** Closes the current generation's communicator (releasing its connections, keeping the port). */
    public void closeCurrent() {
        Communicator c = comm.communicator();
        if (c != null) {
            c.close();
        }
    }

    /**
     * Training is done: from now on assignments (the job's end above all) leave the current
     * communicator alone; {@link #close()} releases it.
     */
    public synchronized void retire() {
        retired = true;
    }

    private synchronized void onAssignment(Assignment a) {
        if (retired) {
            return;
        }
        Communicator c = comm.communicator();
        if (c != null && supersedes(a, c.generation())) {
            c.abort(new IllegalStateException(changed(c.generation(), a)));
        }
    }

    /** A newer ring, or an order to stop: the current ring is finished. */
    static boolean supersedes(Assignment a, long generation) {
        return a.getGeneration() != generation && (a.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING
                || a.getState() == AssignmentState.ASSIGNMENT_STATE_STOPPED);
    }

    private static String changed(long from, Assignment a) {
        return "membership changed: generation=" + from + " -> " + a.getGeneration() + ", state="
                + CoordinatorRendezvous.shortState(a.getState()) + ", world_size=" + a.getWorldSize() + ", reason=" + a.getReason();
    }

    @Override
    public void close() {
        closeCurrent();
        endpoint.close();
    }
}

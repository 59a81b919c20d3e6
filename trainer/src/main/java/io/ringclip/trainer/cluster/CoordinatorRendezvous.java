package io.ringclip.trainer.cluster;

import io.grpc.Status;
import io.ringclip.comm.Rendezvous;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.api.Removal;
import io.ringclip.coordinator.client.AssignmentListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * comm's {@link Rendezvous} over the coordinator: listens to a worker's assignment stream (it is
 * the {@link AssignmentListener} given to {@code CoordinatorClient.start}) and turns each RUNNING
 * generation into a {@link RendezvousResult}: rank, world size, peers' data addresses, generation,
 * job id and the {@link JobSecret job secret}.
 *
 * <p>Each {@link #await} returns a generation newer than the one it returned before, so a caller
 * that lost its ring simply awaits again. While waiting it reports why (the coordinator's reason,
 * e.g. {@code "waiting: workers=1 < min_workers=2"}) to the status sink, once per change and then
 * every {@link #STATUS_REPEAT}.
 *
 * <p>Stops: a STOPPED assignment (job ended, worker drained), an assignment for another job than
 * the one this worker runs, or a client that gave up throws {@link JobStoppedException}. A STOPPED
 * assignment saying EVICTED is not a stop: the client re-joins by itself.
 */
public final class CoordinatorRendezvous implements Rendezvous, AssignmentListener {

    static final Duration STATUS_REPEAT = Duration.ofSeconds(10);

    private final String jobToken;
    private final Consumer<String> status;
    private final List<Consumer<Assignment>> observers = new CopyOnWriteArrayList<>();

    // guarded by this
    private Assignment latest;
    private Status terminated;
    private long returnedGeneration = Long.MIN_VALUE;
    private String jobId = "";

    /**
     * @param jobToken the coordinator's job token (the secret is derived from it), or null
     * @param status   where "waiting because …" lines go (e.g. the console)
     */
    public CoordinatorRendezvous(String jobToken, Consumer<String> status) {
        this.jobToken = jobToken;
        this.status = Objects.requireNonNull(status, "status");
    }

    /** Also tells {@code observer} every assignment (on the client's thread; must not block). */
    public void addObserver(Consumer<Assignment> observer) {
        observers.add(observer);
    }

    @Override
    public void onAssignment(Assignment assignment) {
        synchronized (this) {
            latest = assignment;
            notifyAll();
        }
        for (Consumer<Assignment> o : observers) {
            o.accept(assignment);
        }
    }

    @Override
    public void onTerminated(Status cause) {
        synchronized (this) {
            terminated = cause;
            notifyAll();
        }
    }

    /** The latest assignment, or null before the first. */
    public synchronized Assignment latest() {
        return latest;
    }

    /** Waits for an assignment that names an active job (its spec is what this worker will train). */
    public synchronized Assignment awaitJob(Duration timeout) {
        Assignment a = awaitMatching(x -> !x.getJobId().isEmpty() && x.hasJob()
                && x.getState() != AssignmentState.ASSIGNMENT_STATE_STOPPED, timeout, "a job");
        jobId = a.getJobId();
        return a;
    }

    /** Waits until the coordinator is past {@code generation} (any state), e.g. after a collective failed. */
    public Assignment awaitGenerationAfter(long generation, Duration timeout) {
        return awaitMatching(a -> a.getGeneration() > generation, timeout, "a generation after " + generation);
    }

    /** Blocks until a RUNNING generation newer than the last one returned; see the class comment for stops. */
    @Override
    public synchronized RendezvousResult await(Duration timeout) {
        return awaitRunningAfter(returnedGeneration, timeout);
    }

    /**
     * Blocks until a RUNNING generation newer than {@code generation}; passing the generation of a
     * ring that failed to connect retries it while the coordinator still publishes it.
     */
    public RendezvousResult awaitRunningAfter(long generation, Duration timeout) {
        Assignment a;
        synchronized (this) {
            a = awaitMatching(x -> x.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING && x.getGeneration() > generation,
                    timeout, "a running ring after generation " + (generation == Long.MIN_VALUE ? "none" : generation));
            returnedGeneration = Math.max(returnedGeneration, a.getGeneration());
            jobId = a.getJobId();
        }
        return toResult(a, jobToken);
    }

    /** Waits for an assignment matching {@code done}; throws {@link JobStoppedException} when told to stop first. */
    synchronized Assignment awaitMatching(Predicate<Assignment> done, Duration timeout, String what) {
        long startNs = System.nanoTime();
        long deadlineNs = startNs + timeout.toNanos();
        long nextStatusNs = startNs;
        String lastSaid = "";
        while (true) {
            checkStopped();
            if (latest != null && done.test(latest)) {
                return latest;
            }
            long nowNs = System.nanoTime();
            String why = latest == null ? "not joined yet (coordinator unreachable or join pending)"
                    : "state=" + shortState(latest.getState()) + ", generation=" + latest.getGeneration() + ", reason=" + latest.getReason();
            if (!why.equals(lastSaid) || nowNs - nextStatusNs >= 0) {
                status.accept("waiting for " + what + ": " + why + ", waited_ms=" + TimeUnit.NANOSECONDS.toMillis(nowNs - startNs));
                lastSaid = why;
                nextStatusNs = nowNs + STATUS_REPEAT.toNanos();
            }
            long leftNs = deadlineNs - nowNs;
            if (leftNs <= 0) {
                throw new IllegalStateException("gave up waiting for " + what + ": timeout_ms=" + timeout.toMillis() + ", " + why);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(leftNs, Math.max(1, nextStatusNs - nowNs)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    /** Throws when the latest word from the coordinator means: this worker is done with its job. */
    private void checkStopped() {
        if (terminated != null) {
            throw new JobStoppedException("coordinator client stopped: status=" + terminated.getCode()
                    + ", description=" + terminated.getDescription(), terminated.getCode() == Status.Code.FAILED_PRECONDITION);
        }
        if (latest == null) {
            return;
        }
        if (latest.getRemoval() == Removal.REMOVAL_DRAINED) {
            throw new JobStoppedException("drained by admin: reason=" + latest.getReason(), true);
        }
        boolean evicted = latest.getRemoval() == Removal.REMOVAL_EVICTED;
        if (latest.getState() == AssignmentState.ASSIGNMENT_STATE_STOPPED && !evicted) {
            throw new JobStoppedException("job ended: job_id=" + jobId + ", reason=" + latest.getReason(), false);
        }
        if (!jobId.isEmpty() && !latest.getJobId().isEmpty() && !latest.getJobId().equals(jobId)) {
            throw new JobStoppedException("job ended: job_id=" + jobId + ", now_active=" + latest.getJobId(), false);
        }
    }

    /** One RUNNING assignment as comm sees it; peers' hosts are resolved here. */
    public static RendezvousResult toResult(Assignment a, String jobToken) {
        if (a.getState() != AssignmentState.ASSIGNMENT_STATE_RUNNING) {
            throw new IllegalArgumentException("not a running assignment: state=" + a.getState() + ", generation=" + a.getGeneration());
        }
        List<InetSocketAddress> peers = new ArrayList<>(a.getPeersCount());
        for (Peer p : a.getPeersList()) {
            if (p.getRank() != peers.size()) {
                throw new IllegalArgumentException("peers out of rank order: index=" + peers.size() + ", rank=" + p.getRank());
            }
            peers.add(new InetSocketAddress(p.getHost(), p.getDataPort()));
        }
        return new RendezvousResult(a.getRank(), a.getWorldSize(), a.getGeneration(), a.getJobId(),
                JobSecret.derive(jobToken, a.getJobId()), peers);
    }

    static String shortState(AssignmentState s) {
        return s.name().replace("ASSIGNMENT_STATE_", "").toLowerCase(java.util.Locale.ROOT);
    }
}

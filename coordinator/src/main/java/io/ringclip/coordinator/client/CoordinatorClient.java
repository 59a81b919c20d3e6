package io.ringclip.coordinator.client;

import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.HeartbeatRequest;
import io.ringclip.coordinator.api.HeartbeatResponse;
import io.ringclip.coordinator.api.JobResultReport;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.JoinResponse;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.LeaveRequest;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.api.ProgressAck;
import io.ringclip.coordinator.api.ProgressReport;
import io.ringclip.coordinator.api.WatchRequest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A worker's connection to the coordinator: joins, heartbeats, watches its assignment and
 * reports progress; re-joins by itself when the coordinator evicted it or restarted.
 *
 * <pre>
 * try (CoordinatorClient client = CoordinatorClient.connect("coord:7070", identity, ClientOptions.defaults().withToken(t))) {
 *     client.start(assignment -&gt; ...);            // join (retrying with backoff), heartbeats, watch
 *     Assignment a = client.awaitRunning(Duration.ofMinutes(5));
 *     ... train with a.getRank(), a.getWorldSize(), a.getPeersList(), a.getJob().getSpecText() ...
 *     client.reportProgress(step, loss, samplesPerSecond, Map.of());
 *     client.reportResult(true, "done");
 *     client.leave("finished");
 * }
 * </pre>
 *
 * <p>Threading: join, heartbeats, watch handling and listener calls all run on one daemon thread
 * owned by the client; the report and await methods may be called from any thread. Every unary
 * call has {@link ClientOptions#callDeadline()}; the watch stream has
 * {@link ClientOptions#watchDeadline()} and is re-opened when it ends.
 *
 * <p>Failure handling: UNAVAILABLE and deadline errors are retried with exponential backoff (the
 * channel itself reconnects); NOT_FOUND on heartbeat or watch, or an assignment saying EVICTED,
 * means the coordinator no longer knows this worker, so the client joins again. A drained worker,
 * a refused token or an invalid identity end the client ({@link AssignmentListener#onTerminated}).
 */
public final class CoordinatorClient implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CoordinatorClient.class.getName());
    private static final Set<Status.Code> TERMINAL = EnumSet.of(Status.Code.FAILED_PRECONDITION, Status.Code.UNAUTHENTICATED,
            Status.Code.PERMISSION_DENIED, Status.Code.INVALID_ARGUMENT);

    private final ManagedChannel ownedChannel; // null when the caller owns the channel
    private final WorkerIdentity identity;
    private final ClientOptions options;
    private final MembershipGrpc.MembershipBlockingStub membership;
    private final MembershipGrpc.MembershipStub membershipAsync;
    private final LaunchGrpc.LaunchBlockingStub launch;
    private final ScheduledThreadPoolExecutor thread;
    private final Backoff backoff;

    // --- owned by `thread`
    private AssignmentListener listener;
    private boolean joined;
    private boolean connectScheduled;
    private boolean terminated;
    private long heartbeatIntervalNs;
    private ScheduledFuture<?> heartbeats;
    private Context.CancellableContext watchContext;
    private long watchId;
    private int heartbeatsBehind;

    // --- shared with callers, guarded by `this`
    private Assignment current;

    private CoordinatorClient(Channel channel, ManagedChannel ownedChannel, WorkerIdentity identity, ClientOptions options) {
        Objects.requireNonNull(channel, "channel");
        this.ownedChannel = ownedChannel;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.options = Objects.requireNonNull(options, "options");
        var auth = Stubs.tokenInterceptor(options.token());
        this.membership = MembershipGrpc.newBlockingStub(channel).withInterceptors(auth);
        this.membershipAsync = MembershipGrpc.newStub(channel).withInterceptors(auth);
        this.launch = LaunchGrpc.newBlockingStub(channel).withInterceptors(auth);
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ringclip-coordinator-client-" + identity.workerId());
            t.setDaemon(true);
            return t;
        });
        this.thread.setRemoveOnCancelPolicy(true);
    }

    /** Connects over plaintext TCP to {@code target} ("host:port"); the client owns that channel. */
    public static CoordinatorClient connect(String target, WorkerIdentity identity, ClientOptions options) {
        ManagedChannel ch = Stubs.plaintext(target);
        return new CoordinatorClient(ch, ch, identity, options);
    }

    /** Uses a channel the caller owns (and closes), e.g. an in-process channel in simulation mode. */
    public static CoordinatorClient create(Channel channel, WorkerIdentity identity, ClientOptions options) {
        return new CoordinatorClient(channel, null, identity, options);
    }

    public WorkerIdentity identity() {
        return identity;
    }

    /** Joins (retrying until it succeeds), then heartbeats and watches; returns at once. */
    public void start(AssignmentListener assignmentListener) {
        Objects.requireNonNull(assignmentListener, "assignmentListener");
        thread.execute(() -> {
            if (listener != null) {
                throw new IllegalStateException("client already started: worker_id=" + identity.workerId());
            }
            listener = assignmentListener;
            connect();
        });
    }

    /** The latest assignment, or {@code null} before the first. */
    public synchronized Assignment currentAssignment() {
        return current;
    }

    /** Waits until the latest assignment satisfies {@code condition} and returns it. */
    public synchronized Assignment awaitAssignment(Predicate<Assignment> condition, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (current == null || !condition.test(current)) {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                throw new TimeoutException("no matching assignment: worker_id=" + identity.workerId() + ", timeout_ms="
                        + timeout.toMillis() + ", current=" + (current == null ? "none" : describe(current)));
            }
            TimeUnit.NANOSECONDS.timedWait(this, leftNs);
        }
        return current;
    }

    /** Waits for a RUNNING assignment (a published ring that includes this worker). */
    public Assignment awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
        return awaitAssignment(a -> a.getState() == io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_RUNNING, timeout);
    }

    /**
     * Reports progress of the current assignment's job and generation (normally from rank 0).
     *
     * @return the coordinator's current generation (differs from ours: a new assignment is coming)
     * @throws StatusRuntimeException e.g. FAILED_PRECONDITION when the job is no longer active
     */
    public ProgressAck reportProgress(long step, double loss, double samplesPerSecond, Map<String, Double> eval) {
        Assignment a = requireAssignment();
        return Stubs.deadline(launch, options.callDeadline()).reportProgress(ProgressReport.newBuilder()
                .setWorkerId(identity.workerId()).setJobId(a.getJobId()).setGeneration(a.getGeneration())
                .setStep(step).setLoss(loss).setSamplesPerSecond(samplesPerSecond).putAllEval(eval).build());
    }

    /** Reports that the current job finished ({@code success}) or failed; ends it for every worker. */
    public JobStatus reportResult(boolean success, String message) {
        Assignment a = requireAssignment();
        return Stubs.deadline(launch, options.callDeadline()).reportResult(JobResultReport.newBuilder()
                .setWorkerId(identity.workerId()).setJobId(a.getJobId()).setGeneration(a.getGeneration())
                .setSuccess(success).setMessage(message).build());
    }

    /** Stops heartbeats and watching, then leaves: the others get a new generation at once. */
    public void leave(String reason) throws InterruptedException {
        runOnThread(this::stopSession);
        try {
            Stubs.deadline(membership, options.callDeadline())
                    .leave(LeaveRequest.newBuilder().setWorkerId(identity.workerId()).setReason(reason).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Stops heartbeats and the watch without leaving (the coordinator evicts after the timeout). */
    @Override
    public void close() {
        try {
            runOnThread(() -> {
                stopSession();
                terminated = true;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.shutdownNow();
        Stubs.release(ownedChannel);
    }

    // ---------------------------------------------------------------------------------------
    // The session, on `thread`

    private void connect() {
        connectScheduled = false;
        if (terminated || joined) {
            return;
        }
        JoinResponse response;
        try {
            response = Stubs.deadline(membership, options.callDeadline()).join(JoinRequest.newBuilder()
                    .setWorkerId(identity.workerId()).setHost(identity.host()).setDataPort(identity.dataPort())
                    .putAllCapabilities(identity.capabilities()).build());
        } catch (StatusRuntimeException e) {
            if (TERMINAL.contains(e.getStatus().getCode())) {
                terminate(e.getStatus());
            } else {
                LOG.fine(() -> "join failed, retrying: worker_id=" + identity.workerId() + ", status=" + e.getStatus());
                scheduleConnect();
            }
            return;
        }
        joined = true;
        backoff.reset();
        long intervalNs = options.heartbeatInterval() != null
                ? options.heartbeatInterval().toNanos()
                : TimeUnit.MILLISECONDS.toNanos(Math.max(1, response.getHeartbeatIntervalMs()));
        if (heartbeats == null || intervalNs != heartbeatIntervalNs) {
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
            heartbeatIntervalNs = intervalNs;
            heartbeats = thread.scheduleWithFixedDelay(this::heartbeat, intervalNs, intervalNs, TimeUnit.NANOSECONDS);
        }
        deliver(response.getAssignment());
        openWatch();
    }

    private void scheduleConnect() {
        if (!connectScheduled && !terminated) {
            connectScheduled = true;
            thread.schedule((Runnable) this::connect, backoff.nextDelayNs(), TimeUnit.NANOSECONDS);
        }
    }

    /** The coordinator does not know us (evicted, or it restarted): drop the session, join again. */
    private void rejoin(String why) {
        if (terminated) {
            return;
        }
        LOG.info("re-joining: worker_id=" + identity.workerId() + ", why=" + why);
        joined = false;
        cancelWatch();
        connect();
    }

    private void heartbeat() {
        if (!joined || terminated) {
            return;
        }
        try {
            long ours = generationOrZero();
            HeartbeatResponse r = Stubs.deadline(membership, options.callDeadline()).heartbeat(HeartbeatRequest.newBuilder()
                    .setWorkerId(identity.workerId()).setGeneration(ours).build());
            // The push for a new generation normally arrives before the next heartbeat; two heartbeats
            // in a row behind the coordinator mean the watch stream is stuck (e.g. a half-open
            // connection): open a fresh one, which starts with the current assignment.
            heartbeatsBehind = r.getGeneration() > ours ? heartbeatsBehind + 1 : 0;
            if (heartbeatsBehind >= 2) {
                LOG.info("watch stream behind, re-opening: worker_id=" + identity.workerId() + ", generation=" + ours
                        + ", coordinator_generation=" + r.getGeneration());
                heartbeatsBehind = 0;
                openWatch();
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                rejoin("heartbeat: " + e.getStatus().getDescription());
            } else {
                LOG.fine(() -> "heartbeat failed: worker_id=" + identity.workerId() + ", status=" + e.getStatus());
            }
        }
    }

    private void openWatch() {
        cancelWatch();
        long id = ++watchId;
        Context.CancellableContext ctx = Context.current().withCancellation();
        watchContext = ctx;
        ctx.run(() -> Stubs.deadline(membershipAsync, options.watchDeadline()).watchAssignment(
                WatchRequest.newBuilder().setWorkerId(identity.workerId()).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(Assignment a) {
                        onThread(id, () -> onWatched(a));
                    }

                    @Override
                    public void onError(Throwable t) {
                        onThread(id, () -> onWatchEnded(Status.fromThrowable(t)));
                    }

                    @Override
                    public void onCompleted() {
                        onThread(id, () -> onWatchEnded(Status.OK));
                    }
                }));
    }

    private void onThread(long id, Runnable r) {
        try {
            thread.execute(() -> {
                if (id == watchId && !terminated) {
                    r.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void onWatched(Assignment a) {
        deliver(a);
        switch (a.getRemoval()) {
            case REMOVAL_EVICTED -> rejoin("assignment: " + a.getReason());
            case REMOVAL_DRAINED -> terminate(Status.FAILED_PRECONDITION.withDescription(a.getReason()));
            case REMOVAL_LEFT, REMOVAL_NONE, UNRECOGNIZED -> {}
        }
    }

    private void onWatchEnded(Status status) {
        if (watchContext != null) {
            watchContext.cancel(null); // releases the context; the call is already over
            watchContext = null;
        }
        if (!joined) {
            return;
        }
        if (status.getCode() == Status.Code.NOT_FOUND) {
            rejoin("watch: " + status.getDescription());
            return;
        }
        long delayNs = status.getCode() == Status.Code.DEADLINE_EXCEEDED ? 0 : backoff.nextDelayNs();
        long id = watchId;
        Runnable reopen = () -> {
            if (id == watchId && joined && !terminated) {
                openWatch();
            }
        };
        thread.schedule(reopen, delayNs, TimeUnit.NANOSECONDS);
    }

    private void cancelWatch() {
        watchId++;
        if (watchContext != null) {
            watchContext.cancel(null);
            watchContext = null;
        }
    }

    private void stopSession() {
        joined = false;
        cancelWatch();
        if (heartbeats != null) {
            heartbeats.cancel(false);
            heartbeats = null;
        }
    }

    private void terminate(Status cause) {
        if (terminated) {
            return;
        }
        LOG.warning("coordinator client stopped: worker_id=" + identity.workerId() + ", status=" + cause);
        stopSession();
        terminated = true;
        if (listener != null) {
            try {
                listener.onTerminated(cause);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "assignment listener failed: worker_id=" + identity.workerId(), e);
            }
        }
    }

    private void deliver(Assignment a) {
        synchronized (this) {
            if (a.equals(current)) {
                return;
            }
            current = a;
            notifyAll();
        }
        try {
            listener.onAssignment(a);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "assignment listener failed: worker_id=" + identity.workerId(), e);
        }
    }

    private long generationOrZero() {
        Assignment a = currentAssignment();
        return a == null ? 0 : a.getGeneration();
    }

    private Assignment requireAssignment() {
        Assignment a = currentAssignment();
        if (a == null || a.getJobId().isEmpty()) {
            throw new IllegalStateException("no job assigned yet: worker_id=" + identity.workerId());
        }
        return a;
    }

    private void runOnThread(Runnable r) throws InterruptedException {
        try {
            thread.submit(r).get(options.callDeadline().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("client thread task failed: worker_id=" + identity.workerId(), e.getCause());
        } catch (TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.fine(() -> "client thread busy or closed: worker_id=" + identity.workerId());
        }
    }

    static String describe(Assignment a) {
        return "generation=" + a.getGeneration() + ", state=" + a.getState() + ", rank=" + a.getRank() + ", world_size="
                + a.getWorldSize() + ", reason=" + a.getReason();
    }
}

package io.ringclip.coordinator.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.HeartbeatResponse;
import io.ringclip.coordinator.api.JobResultReport;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.JoinResponse;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.ProgressAck;
import io.ringclip.coordinator.api.ProgressPoint;
import io.ringclip.coordinator.api.ProgressReport;
import io.ringclip.coordinator.api.Removal;
import io.ringclip.coordinator.api.WorkerInfo;
import io.ringclip.coordinator.api.WorkerState;
import io.ringclip.coordinator.job.JobTable;
import io.ringclip.coordinator.membership.CoordinatorClock;
import io.ringclip.coordinator.membership.JobLimits;
import io.ringclip.coordinator.membership.MemberView;
import io.ringclip.coordinator.membership.MembershipStateMachine;
import io.ringclip.coordinator.membership.MembershipStateMachine.MemberOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

import static io.grpc.Status.Code.FAILED_PRECONDITION;
import static io.grpc.Status.Code.INVALID_ARGUMENT;
import static io.grpc.Status.Code.NOT_FOUND;

/**
 * The coordinator's state and the commands on it: membership, the job table, assignment
 * watchers and metrics, all owned by one {@link CommandLoop} thread. Every public command
 * enqueues itself and completes a future with an {@link Outcome}; after each command the core
 * settles: the active job follows the membership phase, and watchers whose assignment changed
 * get the new one.
 *
 * <p>Inputs are validated by the gRPC handlers before they get here.
 */
public final class CoordinatorCore {

    private static final Logger LOG = Logger.getLogger(CoordinatorCore.class.getName());
    /** Progress points per job in ListJobs answers (GetJob returns the whole history). */
    public static final int LIST_HISTORY_POINTS = 50;

    private final CoordinatorClock clock;
    private final CommandLoop loop;
    private final MembershipStateMachine membership;
    private final JobTable jobs;
    private final CoordinatorMetrics metrics;
    /** Open WatchAssignment streams per worker, with the last assignment each was sent. */
    private final Map<String, List<Watcher>> watchers = new LinkedHashMap<>();
    /** The job that was active when the coordinator last stopped, until it runs again. */
    private String recoveringJobId = "";
    /** Set by {@link #closeWatchers()}: no new watch streams during shutdown. */
    private boolean closing;

    CoordinatorCore(CoordinatorClock clock, MembershipStateMachine membership, JobTable jobs, CommandLoop loop, MeterRegistry registry) {
        this.clock = clock;
        this.loop = loop;
        this.membership = membership;
        this.jobs = jobs;
        this.metrics = new CoordinatorMetrics(registry);
        loop.execute(this::recover);
    }

    /** After a restart: generations continue above the journal's, the active job waits for its workers. */
    private void recover() {
        membership.resumeGenerationsAfter(jobs.maxGeneration());
        jobs.activeJob().ifPresent(id -> {
            LOG.info("recovered active job: job_id=" + id + ", last_generation=" + jobs.maxGeneration());
            recoveringJobId = id;
        });
        settle();
    }

    // ---------------------------------------------------------------------------------------
    // Membership

    public CompletableFuture<Outcome<JoinResponse>> join(JoinRequest r) {
        return submit(() -> {
            if (membership.join(r.getWorkerId(), r.getHost(), r.getDataPort(), r.getCapabilitiesMap())
                    == MembershipStateMachine.JoinOutcome.REJECTED_DRAINED) {
                return Outcome.fail(FAILED_PRECONDITION, "worker drained by admin, it may not re-join until the coordinator"
                        + " restarts: worker_id=" + r.getWorkerId());
            }
            metrics.joined();
            LOG.info("joined: worker_id=" + r.getWorkerId() + ", address=" + r.getHost() + ":" + r.getDataPort()
                    + ", generation=" + membership.generation());
            settle();
            long timeoutMs = membership.config().heartbeatTimeoutNs() / 1_000_000;
            return Outcome.ok(JoinResponse.newBuilder()
                    .setAssignment(assignmentFor(r.getWorkerId()))
                    .setHeartbeatTimeoutMs(timeoutMs)
                    .setHeartbeatIntervalMs(Math.max(1, timeoutMs / 3))
                    .build());
        });
    }

    public CompletableFuture<Outcome<HeartbeatResponse>> heartbeat(String workerId) {
        return submit(() -> membership.heartbeat(workerId) == MemberOutcome.UNKNOWN_WORKER
                ? unknownWorker(workerId)
                : Outcome.ok(HeartbeatResponse.newBuilder().setGeneration(membership.generation())
                        .setState(assignmentFor(workerId).getState()).build()));
    }

    public CompletableFuture<Outcome<Long>> leave(String workerId, String reason) {
        return submit(() -> membership.leave(workerId, reason) == MemberOutcome.UNKNOWN_WORKER
                ? unknownWorker(workerId)
                : Outcome.ok(membership.generation()));
    }

    /**
     * Registers a stream and sends it the current assignment; NOT_FOUND for a non-member. The
     * handler must have routed the stream's cancellation to {@link #unwatch} before calling this
     * (gRPC accepts a cancel handler only while the handler runs).
     */
    public CompletableFuture<Outcome<Boolean>> watch(String workerId, ServerCallStreamObserver<Assignment> stream) {
        return submit(() -> {
            if (closing) {
                return Outcome.fail(Status.Code.UNAVAILABLE, "coordinator shutting down");
            }
            if (!membership.isMember(workerId)) {
                return unknownWorker(workerId);
            }
            watchers.computeIfAbsent(workerId, k -> new ArrayList<>()).add(new Watcher(workerId, stream));
            publish();
            return Outcome.ok(true);
        });
    }

    /** Evicts workers past their heartbeat deadline and closes due join timeouts. */
    public void tick() {
        execute(() -> {
            List<String> evicted = membership.tick();
            if (!evicted.isEmpty()) {
                metrics.evicted(evicted.size());
                LOG.warning("evicted for missed heartbeats: worker_ids=" + evicted + ", generation=" + membership.generation());
            }
            settle();
        });
    }

    // ---------------------------------------------------------------------------------------
    // Launch

    public CompletableFuture<Outcome<JobStatus>> submitJob(JobSpec spec) {
        return submit(() -> {
            JobSpec normalized = spec.getMinWorkers() == 0
                    ? spec.toBuilder().setMinWorkers(membership.defaultMinWorkers()).build()
                    : spec;
            if (normalized.getMaxWorkers() != 0 && normalized.getMaxWorkers() < normalized.getMinWorkers()) {
                return Outcome.fail(INVALID_ARGUMENT, "max_workers must be 0 or >= min_workers: min_workers="
                        + normalized.getMinWorkers() + ", max_workers=" + normalized.getMaxWorkers());
            }
            JobStatus submitted = jobs.submit(normalized, clock.currentTimeMillis());
            LOG.info("job submitted: job_id=" + submitted.getJobId());
            settle();
            return Outcome.ok(jobs.get(submitted.getJobId()).orElseThrow());
        });
    }

    public CompletableFuture<Outcome<List<JobStatus>>> listJobs() {
        return submit(() -> Outcome.ok(jobs.list(LIST_HISTORY_POINTS)));
    }

    public CompletableFuture<Outcome<JobStatus>> getJob(String jobId) {
        return submit(() -> jobs.get(jobId).map(Outcome::ok).orElseGet(() -> unknownJob(jobId)));
    }

    public CompletableFuture<Outcome<ProgressAck>> reportProgress(ProgressReport r) {
        return submit(() -> {
            Optional<Outcome<ProgressAck>> refused = refuseJobReport(r.getJobId(), r.getWorkerId(), r.getGeneration());
            if (refused.isPresent()) {
                return refused.get();
            }
            jobs.recordProgress(r.getJobId(), ProgressPoint.newBuilder()
                    .setStep(r.getStep()).setLoss(r.getLoss()).setSamplesPerSecond(r.getSamplesPerSecond())
                    .setGeneration(r.getGeneration()).setTimeUnixMs(clock.currentTimeMillis()).putAllEval(r.getEvalMap())
                    .build());
            metrics.progressReported();
            metrics.progress(r.getStep(), r.getLoss(), r.getSamplesPerSecond());
            return Outcome.ok(ProgressAck.newBuilder().setGeneration(membership.generation()).build());
        });
    }

    /** A worker reports the job's end; a second report on an ended job returns it unchanged. */
    public CompletableFuture<Outcome<JobStatus>> reportResult(JobResultReport r) {
        return submit(() -> {
            if (jobs.state(r.getJobId()).filter(JobTable.ENDED::contains).isPresent()) {
                return Outcome.ok(jobs.get(r.getJobId()).orElseThrow());
            }
            Optional<Outcome<JobStatus>> refused = refuseJobReport(r.getJobId(), r.getWorkerId(), r.getGeneration());
            if (refused.isPresent()) {
                return refused.get();
            }
            JobState end = r.getSuccess() ? JobState.JOB_STATE_FINISHED : JobState.JOB_STATE_FAILED;
            endActiveJob(end, (r.getSuccess() ? "finished" : "failed") + " (reported by " + r.getWorkerId() + ")"
                    + (r.getMessage().isEmpty() ? "" : ": " + r.getMessage()));
            return Outcome.ok(jobs.get(r.getJobId()).orElseThrow());
        });
    }

    private <T> Optional<Outcome<T>> refuseJobReport(String jobId, String workerId, long generation) {
        Optional<JobState> state = jobs.state(jobId);
        if (state.isEmpty()) {
            return Optional.of(unknownJob(jobId));
        }
        if (!membership.hasActiveJob() || !membership.activeJobId().equals(jobId)) {
            return Optional.of(Outcome.fail(FAILED_PRECONDITION, "job is not the active job: job_id=" + jobId
                    + ", state=" + state.get() + ", active_job_id=" + membership.activeJobId()));
        }
        if (!membership.isMember(workerId)) {
            return Optional.of(unknownWorker(workerId));
        }
        if (generation > membership.generation()) {
            return Optional.of(Outcome.fail(INVALID_ARGUMENT, "generation is ahead of the coordinator: generation="
                    + generation + ", current_generation=" + membership.generation()));
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------------------------------
    // Admin

    public CompletableFuture<Outcome<ListWorkersResponse>> listWorkers() {
        return submit(() -> {
            long nowNs = clock.nanoTime();
            long nowMs = clock.currentTimeMillis();
            ListWorkersResponse.Builder out = ListWorkersResponse.newBuilder()
                    .setGeneration(membership.generation()).setState(membership.phase()).setReason(membership.reason());
            for (MemberView m : membership.members()) {
                long ageMs = (nowNs - m.lastHeartbeatNs()) / 1_000_000;
                out.addWorkers(WorkerInfo.newBuilder()
                        .setWorkerId(m.workerId()).setHost(m.host()).setDataPort(m.dataPort()).setRank(m.rank())
                        .setState(m.drained() ? WorkerState.WORKER_STATE_DRAINED
                                : m.rank() >= 0 ? WorkerState.WORKER_STATE_ACTIVE : WorkerState.WORKER_STATE_JOINED)
                        .setLastHeartbeatAgeMs(ageMs).setLastHeartbeatUnixMs(nowMs - ageMs)
                        .setJoinedUnixMs(nowMs - (nowNs - m.joinedNs()) / 1_000_000)
                        .putAllCapabilities(m.capabilities()));
            }
            return Outcome.ok(out.build());
        });
    }

    public CompletableFuture<Outcome<JobStatus>> stopJob(String jobId, String reason) {
        return endJobByAdmin(jobId, JobState.JOB_STATE_STOPPED, "stopped by admin: " + reason);
    }

    public CompletableFuture<Outcome<JobStatus>> cancelJob(String jobId, String reason) {
        return endJobByAdmin(jobId, JobState.JOB_STATE_CANCELLED, "cancelled by admin: " + reason);
    }

    private CompletableFuture<Outcome<JobStatus>> endJobByAdmin(String jobId, JobState end, String reason) {
        return submit(() -> {
            Optional<JobState> state = jobs.state(jobId);
            if (state.isEmpty()) {
                return unknownJob(jobId);
            }
            if (JobTable.ENDED.contains(state.get())) {
                return Outcome.fail(FAILED_PRECONDITION, "job already ended: job_id=" + jobId + ", state=" + state.get());
            }
            if (membership.hasActiveJob() && membership.activeJobId().equals(jobId)) {
                endActiveJob(end, reason);
            } else {
                jobs.setState(jobId, end, reason, clock.currentTimeMillis());
            }
            LOG.info("job ended by admin: job_id=" + jobId + ", state=" + end);
            return Outcome.ok(jobs.get(jobId).orElseThrow());
        });
    }

    public CompletableFuture<Outcome<Long>> drainWorker(String workerId, String reason) {
        return submit(() -> membership.drain(workerId, reason) == MemberOutcome.UNKNOWN_WORKER
                ? unknownWorker(workerId)
                : Outcome.ok(membership.generation()));
    }

    public CompletableFuture<Outcome<Long>> evictWorker(String workerId, String reason) {
        return submit(() -> membership.evict(workerId, reason) == MemberOutcome.UNKNOWN_WORKER
                ? unknownWorker(workerId)
                : Outcome.ok(membership.generation()));
    }

    /**
     * Ends every watch stream with UNAVAILABLE so that a graceful server shutdown does not wait on
     * streams that never end by themselves; clients re-open them against the next coordinator.
     */
    CompletableFuture<Outcome<Boolean>> closeWatchers() {
        return submit(() -> {
            closing = true;
            Status bye = Status.UNAVAILABLE.withDescription("coordinator shutting down");
            watchers.values().forEach(list -> list.forEach(w -> {
                try {
                    w.stream.onError(bye.asRuntimeException());
                } catch (RuntimeException e) {
                    // already closed
                }
            }));
            watchers.clear();
            return Outcome.ok(true);
        });
    }

    // ---------------------------------------------------------------------------------------
    // The loop

    private <T> CompletableFuture<Outcome<T>> submit(Supplier<Outcome<T>> command) {
        CompletableFuture<Outcome<T>> result = new CompletableFuture<>();
        boolean queued = execute(() -> {
            try {
                result.complete(command.get());
            } catch (Throwable t) {
                LOG.severe("command failed: " + t);
                result.completeExceptionally(t);
            } finally {
                settle();
            }
        });
        if (!queued) {
            result.complete(Outcome.fail(Status.Code.UNAVAILABLE, "coordinator is shutting down"));
        }
        return result;
    }

    /** Queues {@code r} on the loop; false when the loop has shut down. */
    private boolean execute(Runnable r) {
        try {
            loop.execute(r);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** The active job follows the membership phase; metrics update; watchers learn what changed. */
    private void settle() {
        syncActiveJob();
        // metrics first: whoever reacts to a pushed assignment may already scrape them
        metrics.membership(membership.memberCount(), membership.ring().size(), membership.generation());
        publish();
    }

    private void syncActiveJob() {
        long nowMs = clock.currentTimeMillis();
        if (!membership.hasActiveJob()) {
            Optional<String> next = jobs.activeJob().or(jobs::nextQueued);
            if (next.isEmpty()) {
                return;
            }
            JobSpec spec = jobs.get(next.get()).orElseThrow().getSpec();
            membership.startJob(next.get(), new JobLimits(spec.getMinWorkers(), spec.getMaxWorkers()));
            LOG.info("job active: job_id=" + next.get() + ", generation=" + membership.generation());
        }
        String jobId = membership.activeJobId();
        JobState derived = switch (membership.phase()) {
            case ASSIGNMENT_STATE_RUNNING -> JobState.JOB_STATE_RUNNING;
            case ASSIGNMENT_STATE_PAUSED -> JobState.JOB_STATE_PAUSED;
            default -> JobState.JOB_STATE_WAITING;
        };
        String reason = membership.reason();
        if (jobId.equals(recoveringJobId)) {
            if (derived == JobState.JOB_STATE_RUNNING) {
                recoveringJobId = "";
            } else {
                reason = "coordinator restarted, waiting for workers to re-join: " + reason;
            }
        }
        jobs.setState(jobId, derived, reason, nowMs);
        JobStatus job = jobs.get(jobId).orElseThrow();
        if (derived == JobState.JOB_STATE_RUNNING && job.getGeneration() != membership.generation()) {
            jobs.recordGeneration(jobId, membership.generation(), membership.ring().size(), nowMs);
        }
    }

    private void endActiveJob(JobState end, String reason) {
        String jobId = membership.activeJobId();
        jobs.setState(jobId, end, reason, clock.currentTimeMillis());
        membership.endJob("job " + jobId + " ended: " + end.name().substring("JOB_STATE_".length()).toLowerCase() + ", " + reason);
        publish(); // every member sees STOPPED before a queued job takes over
    }

    /** Sends each watcher its assignment if it changed; closes streams of removed workers. */
    private void publish() {
        var it = watchers.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            Assignment a = assignmentFor(entry.getKey());
            boolean removed = a.getRemoval() != Removal.REMOVAL_NONE;
            entry.getValue().removeIf(w -> !w.send(a, removed));
            if (removed || entry.getValue().isEmpty()) {
                it.remove();
            }
        }
    }

    /** Forgets a cancelled watch stream. */
    public void unwatch(String workerId, ServerCallStreamObserver<Assignment> stream) {
        execute(() -> {
            List<Watcher> list = watchers.get(workerId);
            if (list != null && list.removeIf(w -> w.stream == stream) && list.isEmpty()) {
                watchers.remove(workerId);
            }
        });
    }

    private Assignment assignmentFor(String workerId) {
        Assignment.Builder a = membership.assignmentFor(workerId);
        if (!a.getJobId().isEmpty()) {
            jobs.get(a.getJobId()).ifPresent(j -> a.setJob(j.getSpec()).setJobState(j.getState()));
        }
        return a.build();
    }

    private static <T> Outcome<T> unknownWorker(String workerId) {
        return Outcome.fail(NOT_FOUND, "unknown worker, join (again) first: worker_id=" + workerId);
    }

    private static <T> Outcome<T> unknownJob(String jobId) {
        return Outcome.fail(NOT_FOUND, "unknown job: job_id=" + jobId);
    }

    /** One WatchAssignment stream; it is sent an assignment only when that differs from the last. */
    private static final class Watcher {
        final String workerId;
        final ServerCallStreamObserver<Assignment> stream;
        Assignment last;

        Watcher(String workerId, ServerCallStreamObserver<Assignment> stream) {
            this.workerId = workerId;
            this.stream = stream;
        }

        /** Returns false when the stream is gone (or finished) and should be dropped. */
        boolean send(Assignment a, boolean thenComplete) {
            try {
                if (stream.isCancelled()) {
                    return false;
                }
                if (!a.equals(last)) {
                    stream.onNext(a);
                    last = a;
                }
                if (thenComplete) {
                    stream.onCompleted();
                    return false;
                }
                return true;
            } catch (RuntimeException e) { // the call closed under us
                return false;
            }
        }
    }
}

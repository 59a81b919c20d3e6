package io.ringclip.coordinator.job;

import io.ringclip.coordinator.api.GenerationStarted;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStateChanged;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.JobSubmitted;
import io.ringclip.coordinator.api.JournalRecord;
import io.ringclip.coordinator.api.ProgressPoint;
import io.ringclip.coordinator.api.ProgressRecorded;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The coordinator's jobs, their states and progress history, event-sourced: every change is a
 * {@link JournalRecord} that is first appended to the {@link Journal} and then applied, and
 * recovery applies the same records again. Owned by the coordinator's command thread.
 */
public final class JobTable {

    /** States in which a job owns the workers. */
    public static final Set<JobState> ACTIVE = EnumSet.of(
            JobState.JOB_STATE_WAITING, JobState.JOB_STATE_RUNNING, JobState.JOB_STATE_PAUSED);
    /** States a job never leaves. */
    public static final Set<JobState> ENDED = EnumSet.of(
            JobState.JOB_STATE_FINISHED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_STOPPED, JobState.JOB_STATE_CANCELLED);

    private final Journal journal;
    private final Map<String, JobStatus.Builder> jobs = new LinkedHashMap<>();
    private long maxGeneration;

    public JobTable(Journal journal) {
        this.journal = Objects.requireNonNull(journal, "journal");
    }

    /** Rebuilds a table from journal records (oldest first); new changes go to {@code journal}. */
    public static JobTable recover(List<JournalRecord> records, Journal journal) {
        JobTable table = new JobTable(journal);
        records.forEach(table::apply);
        return table;
    }

    // ---------------------------------------------------------------------------------------
    // Changes: record, then apply

    public JobStatus submit(JobSpec spec, long nowUnixMs) {
        String jobId = spec.getName() + "-" + (jobs.size() + 1);
        record(JournalRecord.newBuilder().setTimeUnixMs(nowUnixMs)
                .setJobSubmitted(JobSubmitted.newBuilder().setJobId(jobId).setSpec(spec)).build());
        return jobs.get(jobId).build();
    }

    /** Moves a job to {@code state}; no record when nothing changes. */
    public void setState(String jobId, JobState state, String reason, long nowUnixMs) {
        JobStatus.Builder job = require(jobId);
        if (job.getState() == state && job.getReason().equals(reason)) {
            return;
        }
        record(JournalRecord.newBuilder().setTimeUnixMs(nowUnixMs)
                .setJobStateChanged(JobStateChanged.newBuilder().setJobId(jobId).setState(state).setReason(reason)).build());
    }

    public void recordProgress(String jobId, ProgressPoint point) {
        require(jobId);
        record(JournalRecord.newBuilder().setTimeUnixMs(point.getTimeUnixMs())
                .setProgressRecorded(ProgressRecorded.newBuilder().setJobId(jobId).setPoint(point)).build());
    }

    public void recordGeneration(String jobId, long generation, int worldSize, long nowUnixMs) {
        require(jobId);
        record(JournalRecord.newBuilder().setTimeUnixMs(nowUnixMs)
                .setGenerationStarted(GenerationStarted.newBuilder().setJobId(jobId).setGeneration(generation).setWorldSize(worldSize))
                .build());
    }

    private void record(JournalRecord record) {
        journal.append(record);
        apply(record);
    }

    private void apply(JournalRecord r) {
        long t = r.getTimeUnixMs();
        switch (r.getRecordCase()) {
            case JOB_SUBMITTED -> {
                JobSubmitted s = r.getJobSubmitted();
                jobs.put(s.getJobId(), JobStatus.newBuilder().setJobId(s.getJobId()).setSpec(s.getSpec())
                        .setState(JobState.JOB_STATE_QUEUED).setReason("queued").setSubmittedUnixMs(t));
            }
            case JOB_STATE_CHANGED -> {
                JobStateChanged c = r.getJobStateChanged();
                JobStatus.Builder job = require(c.getJobId());
                if (job.getStartedUnixMs() == 0 && c.getState() == JobState.JOB_STATE_RUNNING) {
                    job.setStartedUnixMs(t);
                }
                if (ENDED.contains(c.getState())) {
                    job.setEndedUnixMs(t);
                }
                job.setState(c.getState()).setReason(c.getReason());
            }
            case PROGRESS_RECORDED -> applyProgress(require(r.getProgressRecorded().getJobId()), r.getProgressRecorded().getPoint());
            case GENERATION_STARTED -> {
                GenerationStarted g = r.getGenerationStarted();
                require(g.getJobId()).setGeneration(g.getGeneration()).setWorldSize(g.getWorldSize());
                maxGeneration = Math.max(maxGeneration, g.getGeneration());
            }
            case RECORD_NOT_SET -> throw new IllegalArgumentException("journal record without content: time_unix_ms=" + t);
        }
    }

    /**
     * The latest report sets step/loss/throughput; evals merge by name. History keeps one point
     * per (generation, step): a later generation may restart from an earlier step (a rollback to
     * the last checkpoint), which the history shows as it happened.
     */
    private static void applyProgress(JobStatus.Builder job, ProgressPoint p) {
        job.setStep(p.getStep()).setLoss(p.getLoss()).setSamplesPerSecond(p.getSamplesPerSecond()).putAllEval(p.getEvalMap());
        int n = job.getHistoryCount();
        ProgressPoint last = n == 0 ? null : job.getHistory(n - 1);
        if (last == null || p.getGeneration() > last.getGeneration() || p.getStep() > last.getStep()) {
            job.addHistory(p);
        } else if (p.getStep() == last.getStep() && p.getGeneration() == last.getGeneration() && !p.getEvalMap().isEmpty()) {
            job.setHistory(n - 1, last.toBuilder().putAllEval(p.getEvalMap())); // eval for a step already logged
        }
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    public Optional<JobStatus> get(String jobId) {
        JobStatus.Builder job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.build());
    }

    public Optional<JobState> state(String jobId) {
        JobStatus.Builder job = jobs.get(jobId);
        return job == null ? Optional.empty() : Optional.of(job.getState());
    }

    /** Every job in submission order; histories cut to their last {@code maxHistory} points. */
    public List<JobStatus> list(int maxHistory) {
        List<JobStatus> out = new ArrayList<>(jobs.size());
        for (JobStatus.Builder job : jobs.values()) {
            JobStatus.Builder copy = job.clone();
            int n = copy.getHistoryCount();
            if (n > maxHistory) {
                List<ProgressPoint> tail = List.copyOf(copy.getHistoryList().subList(n - maxHistory, n));
                copy.clearHistory().addAllHistory(tail);
            }
            out.add(copy.build());
        }
        return out;
    }

    /** The job that owns the workers (first in an active state), if any. */
    public Optional<String> activeJob() {
        return jobs.values().stream().filter(j -> ACTIVE.contains(j.getState())).map(JobStatus.Builder::getJobId).findFirst();
    }

    /** The oldest queued job, if any. */
    public Optional<String> nextQueued() {
        return jobs.values().stream().filter(j -> j.getState() == JobState.JOB_STATE_QUEUED)
                .map(JobStatus.Builder::getJobId).findFirst();
    }

    /** The highest generation any job ever ran in (0 when none). */
    public long maxGeneration() {
        return maxGeneration;
    }

    private JobStatus.Builder require(String jobId) {
        JobStatus.Builder job = jobs.get(jobId);
        if (job == null) {
            throw new IllegalArgumentException("unknown job: job_id=" + jobId);
        }
        return job;
    }
}

package io.ringclip.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ProgressPoint;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobTableTest {

    private final JobTable table = new JobTable(Journal.NONE);

    private static JobSpec spec(String name) {
        return JobSpec.newBuilder().setName(name).setMinWorkers(1).setSteps(10).build();
    }

    private static ProgressPoint point(long generation, long step) {
        return ProgressPoint.newBuilder().setGeneration(generation).setStep(step).setLoss(1.0 / (step + 1)).build();
    }

    @Test
    void shouldQueueJobsInSubmissionOrderWithUniqueIds() {
        String a = table.submit(spec("clip"), 1).getJobId();
        String b = table.submit(spec("clip"), 2).getJobId();
        assertEquals("clip-1", a);
        assertEquals("clip-2", b);
        assertEquals(Optional.of(a), table.nextQueued());
        assertEquals(Optional.empty(), table.activeJob());
        table.setState(a, JobState.JOB_STATE_WAITING, "waiting", 3);
        assertEquals(Optional.of(a), table.activeJob());
        assertEquals(Optional.of(b), table.nextQueued());
    }

    @Test
    void shouldKeepOnePointPerStepAndShowRollbacksAfterARestartedGeneration() {
        String id = table.submit(spec("siglip"), 1).getJobId();
        table.recordProgress(id, point(3, 10));
        table.recordProgress(id, point(3, 10)); // a second rank reporting the same step
        table.recordProgress(id, point(3, 11));
        table.recordProgress(id, point(4, 8)); // generation 4 restored the step-8 checkpoint
        JobStatus job = table.get(id).orElseThrow();
        assertEquals(3, job.getHistoryCount());
        assertEquals(8, job.getStep());
        assertEquals(4, job.getHistory(2).getGeneration());
    }

    @Test
    void shouldMergeEvalResultsIntoTheStepAndTheLatestValues() {
        String id = table.submit(spec("clip"), 1).getJobId();
        table.recordProgress(id, point(1, 5));
        table.recordProgress(id, point(1, 5).toBuilder().putEval("zeroshot_top1", 0.25).build());
        JobStatus job = table.get(id).orElseThrow();
        assertEquals(1, job.getHistoryCount());
        assertEquals(0.25, job.getHistory(0).getEvalOrThrow("zeroshot_top1"));
        assertEquals(0.25, job.getEvalOrThrow("zeroshot_top1"));
    }

    @Test
    void shouldStampStartAndEndTimes() {
        String id = table.submit(spec("clip"), 100).getJobId();
        table.setState(id, JobState.JOB_STATE_RUNNING, "running", 200);
        table.setState(id, JobState.JOB_STATE_FINISHED, "done", 300);
        JobStatus job = table.get(id).orElseThrow();
        assertEquals(100, job.getSubmittedUnixMs());
        assertEquals(200, job.getStartedUnixMs());
        assertEquals(300, job.getEndedUnixMs());
        assertTrue(JobTable.ENDED.contains(job.getState()));
    }

    @Test
    void shouldCutListedHistoryToItsTail() {
        String id = table.submit(spec("clip"), 1).getJobId();
        for (int step = 1; step <= 5; step++) {
            table.recordProgress(id, point(1, step));
        }
        JobStatus listed = table.list(2).getFirst();
        assertEquals(2, listed.getHistoryCount());
        assertEquals(5, listed.getHistory(1).getStep());
        assertEquals(5, table.get(id).orElseThrow().getHistoryCount());
    }
}

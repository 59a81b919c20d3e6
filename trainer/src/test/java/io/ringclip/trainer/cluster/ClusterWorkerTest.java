package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ProgressPoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Cluster workers (threads) against a real coordinator, training over real Netty connections on loopback. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterWorkerTest {

    @TempDir
    Path tmp;

    @Test
    void shouldTrainAFixedWorldJobToTheEndAndHaveTheCoordinatorMarkItFinished() throws Exception {
        try (TestCoordinator coord = new TestCoordinator(tmp, Duration.ofSeconds(5))) {
            String jobId = coord.submitTinyJob("fixed", 4, 2, 2).getJobId();
            CompletableFuture<ClusterWorker.Result> a = coord.startWorker("w-a");
            CompletableFuture<ClusterWorker.Result> b = coord.startWorker("w-b");
            ClusterWorker.Result ra = result(a, coord);
            ClusterWorker.Result rb = result(b, coord);

            assertEquals(jobId, ra.jobId());
            assertEquals(4, ra.outcome().finalStep());
            assertArrayEquals(ra.outcome().params(), rb.outcome().params(), "ranks must end with identical weights");
            JobStatus job = coord.job(jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, job.getState(), job.getReason());
            assertEquals(2, job.getWorldSize());
            assertEquals(4, job.getStep());
        }
    }

    @Test
    void shouldContinueAtTheSmallerWorldWhenAWorkerIsDrainedMidTraining() throws Exception {
        try (TestCoordinator coord = new TestCoordinator(tmp, Duration.ofSeconds(5))) {
            int steps = 8;
            String jobId = coord.submitTinyJob("elastic", steps, 2, 0).getJobId();
            // max_workers 0: wait for the join timeout (0 here) — start all three before the job can see only two
            CompletableFuture<ClusterWorker.Result> a = coord.startWorker("w-a");
            CompletableFuture<ClusterWorker.Result> b = coord.startWorker("w-b");
            CompletableFuture<ClusterWorker.Result> c = coord.startWorker("w-c");
            TestCoordinator.awaitTrue("world size 3 and training under way", Duration.ofSeconds(60),
                    () -> coord.job(jobId).getWorldSize() == 3 && coord.job(jobId).getStep() >= 2);
            long generationBefore = coord.job(jobId).getGeneration();

            coord.admin.drainWorker("w-c", "test: take a worker away");

            ClusterWorker.Result ra = result(a, coord);
            ClusterWorker.Result rb = result(b, coord);
            ExecutionException drained = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> c.get(60, TimeUnit.SECONDS));
            assertInstanceOf(JobStoppedException.class, drained.getCause());
            assertTrue(((JobStoppedException) drained.getCause()).drained());

            assertEquals(steps, ra.outcome().finalStep());
            assertArrayEquals(ra.outcome().params(), rb.outcome().params(), "survivors must end with identical weights");
            JobStatus job = coord.job(jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, job.getState(), job.getReason());
            assertEquals(2, job.getWorldSize());
            assertTrue(job.getGeneration() > generationBefore, "a new generation after the drain");
            ProgressPoint last = job.getHistory(job.getHistoryCount() - 1);
            assertEquals(steps, last.getStep());
            assertEquals(job.getGeneration(), last.getGeneration(), "the last steps ran in the new generation");
            coord.logLines().forEach(System.out::println);
            assertTrue(coord.logLines().stream().anyMatch(l -> l.contains("elastic: training again")), "survivors log their recovery");
        }
    }

    private static ClusterWorker.Result result(CompletableFuture<ClusterWorker.Result> f, TestCoordinator coord) throws Exception {
        try {
            return f.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            coord.logLines().forEach(System.err::println);
            throw e;
        }
    }
}

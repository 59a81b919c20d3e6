package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
    void shouldContinueAtTheSmallerWorldWhenAWorkerIsDrainedAndAdmitANewcomerAtTheNextGeneration() throws Exception {
        try (TestCoordinator coord = new TestCoordinator(tmp, Duration.ofSeconds(5))) {
            int steps = 12;
            String jobId = coord.submitTinyJob("elastic", steps, 2, 3).getJobId();
            CompletableFuture<ClusterWorker.Result> a = coord.startWorker("w-a");
            CompletableFuture<ClusterWorker.Result> b = coord.startWorker("w-b");
            CompletableFuture<ClusterWorker.Result> c = coord.startWorker("w-c");
            TestCoordinator.awaitTrue("world size 3 and training under way", Duration.ofSeconds(60),
                    () -> coord.job(jobId).getWorldSize() == 3 && coord.job(jobId).getStep() >= 2);
            long generation3 = coord.job(jobId).getGeneration();

            coord.admin.drainWorker("w-c", "test: take a worker away");
            TestCoordinator.awaitTrue("a step at world size 2 in a new generation", Duration.ofSeconds(60), () -> {
                JobStatus j = coord.job(jobId);
                return j.getWorldSize() == 2 && j.getGeneration() > generation3
                        && j.getHistoryList().stream().anyMatch(p -> p.getGeneration() == j.getGeneration());
            });
            long generation2 = coord.job(jobId).getGeneration();
            ExecutionException drained = assertThrows(ExecutionException.class, () -> c.get(60, TimeUnit.SECONDS));
            assertInstanceOf(JobStoppedException.class, drained.getCause());
            assertTrue(((JobStoppedException) drained.getCause()).drained());

            // a fresh worker (no state) is admitted at the next generation and receives the survivors' state
            CompletableFuture<ClusterWorker.Result> d = coord.startWorker("w-d");
            ClusterWorker.Result ra = result(a, coord);
            ClusterWorker.Result rb = result(b, coord);
            ClusterWorker.Result rd = result(d, coord);

            assertEquals(steps, ra.outcome().finalStep());
            assertArrayEquals(ra.outcome().params(), rb.outcome().params(), "survivors must end with identical weights");
            assertArrayEquals(ra.outcome().params(), rd.outcome().params(), "the newcomer must end with the same weights");
            JobStatus job = coord.job(jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, job.getState(), job.getReason());
            assertEquals(3, job.getWorldSize());
            assertTrue(job.getGeneration() > generation2, "the newcomer came in at a later generation");
            ProgressPoint last = job.getHistory(job.getHistoryCount() - 1);
            assertEquals(steps, last.getStep());
            assertTrue(job.getHistoryList().stream().anyMatch(p -> p.getGeneration() == generation2), "steps ran at world size 2");
            coord.logLines().forEach(System.out::println);
            assertTrue(coord.logLines().stream().anyMatch(l -> l.contains("elastic: training again")), "survivors log their recovery");
        }
    }

    @Test
    void shouldTrainAFixedWorldJobPauseBelowMinWorkersResumeWhenAWorkerReturnsAndFinish() throws Exception {
        try (TestCoordinator coord = new TestCoordinator(tmp, Duration.ofSeconds(5))) {
            int steps = 6;
            String jobId = coord.submitTinyJob("pause", steps, 2, 2).getJobId();
            CompletableFuture<ClusterWorker.Result> a = coord.startWorker("w-a");
            CompletableFuture<ClusterWorker.Result> b = coord.startWorker("w-b");
            TestCoordinator.awaitTrue("training under way", Duration.ofSeconds(60), () -> coord.job(jobId).getStep() >= 2);
            assertEquals(JobState.JOB_STATE_RUNNING, coord.job(jobId).getState());
            assertEquals(2, coord.job(jobId).getWorldSize());

            coord.admin.drainWorker("w-b", "test: below min_workers");
            TestCoordinator.awaitTrue("the job paused", Duration.ofSeconds(30),
                    () -> coord.job(jobId).getState() == JobState.JOB_STATE_PAUSED);
            assertEquals("paused: workers=1 < min_workers=2", coord.job(jobId).getReason());
            assertThrows(ExecutionException.class, () -> b.get(60, TimeUnit.SECONDS));
            TestCoordinator.awaitTrue("the survivor to say why it waits", Duration.ofSeconds(30),
                    () -> coord.logLines().stream().anyMatch(l -> l.contains("w-a: waiting for") && l.contains("state=paused")));
            assertFalse(a.isDone(), "the survivor waits, it does not exit");

            CompletableFuture<ClusterWorker.Result> c = coord.startWorker("w-c");
            ClusterWorker.Result ra = result(a, coord);
            ClusterWorker.Result rc = result(c, coord);
            assertEquals(steps, ra.outcome().finalStep());
            assertArrayEquals(ra.outcome().params(), rc.outcome().params(), "the returning worker trains with the survivor's state");
            JobStatus job = coord.job(jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, job.getState(), job.getReason());
            assertEquals(2, job.getWorldSize());
            assertEquals(steps, job.getStep());
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

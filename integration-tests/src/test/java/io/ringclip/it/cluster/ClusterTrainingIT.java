package io.ringclip.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ProgressPoint;
import io.ringclip.coordinator.api.WorkerState;
import io.ringclip.it.docker.RingclipImage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real training job on a coordinator and worker containers, with the faults a cluster meets:
 * a worker killed, a worker cut off the network, the coordinator crashing. Every assertion is on
 * what the coordinator reports through its admin API (job state, step, loss history, world size,
 * generation, worker states), not on log text.
 */
@ExtendWith(RingclipImage.class)
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterTrainingIT {

    /** Bounds each wait; generous because CI machines are shared and 2-core. */
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);
    private static final int STEPS = 20;
    /** Far enough into the job that the ring is formed and has trained, well before the end. */
    private static final int FAULT_AT_STEP = 5;

    @Test
    void shouldTrainToTheEndWithFallingLoss() throws Exception {
        try (RingclipCluster cluster = RingclipCluster.start("train", 2)) {
            String jobId = cluster.admin().submit(TestJobs.tinyClip("it-train", STEPS, 2, 2)).getJobId();

            JobStatus done = awaitEnd(cluster, jobId);

            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done::toString);
            assertEquals(STEPS, done.getStep());
            assertEquals(2, done.getWorldSize());
            assertLossFell(done.getHistoryList());
        }
    }

    @Test
    void shouldFinishAtTheNewWorldSizeWhenAWorkerIsKilled() throws Exception {
        try (RingclipCluster cluster = RingclipCluster.start("kill", 3)) {
            String jobId = cluster.admin().submit(TestJobs.tinyClip("it-kill", STEPS, 2, 3)).getJobId();
            JobStatus before = awaitRunning(cluster, jobId, 3);

            cluster.killWorker(workerWithRank(cluster, 2)); // not rank 0, which reports progress

            JobStatus done = awaitEnd(cluster, jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done::toString);
            assertEquals(STEPS, done.getStep());
            assertEquals(2, done.getWorldSize(), "finished at the new world size");
            assertTrue(done.getGeneration() > before.getGeneration(), "a new generation after the kill");
        }
    }

    @Test
    void shouldCarryOnWithoutAWorkerCutOffTheNetwork() throws Exception {
        try (RingclipCluster cluster = RingclipCluster.start("partition", 3)) {
            String jobId = cluster.admin().submit(TestJobs.tinyClip("it-partition", STEPS, 2, 3)).getJobId();
            JobStatus before = awaitRunning(cluster, jobId, 3);

            cluster.disconnectWorker(workerWithRank(cluster, 2));

            JobStatus done = awaitEnd(cluster, jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done::toString);
            assertEquals(STEPS, done.getStep());
            assertEquals(2, done.getWorldSize());
            assertTrue(done.getGeneration() > before.getGeneration(), "a new generation without the cut-off worker");
        }
    }

    @Test
    void shouldKeepTheJobAcrossACoordinatorRestart() throws Exception {
        try (RingclipCluster cluster = RingclipCluster.start("restart", 2)) {
            String jobId = cluster.admin().submit(TestJobs.tinyClip("it-restart", STEPS, 2, 2)).getJobId();
            JobStatus before = awaitRunning(cluster, jobId, 2);

            cluster.crashAndRestartCoordinator();

            JobStatus recovered = Await.until("job " + jobId + " known again after the restart", JOB_TIMEOUT,
                    () -> job(cluster, jobId), j -> j != null);
            assertTrue(recovered.getStep() >= FAULT_AT_STEP || recovered.getHistoryCount() > 0,
                    () -> "the journal kept the progress made before the crash: " + recovered);
            JobStatus done = awaitEnd(cluster, jobId);
            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done::toString);
            assertEquals(STEPS, done.getStep());
            assertTrue(done.getHistoryList().stream().anyMatch(p -> p.getStep() <= before.getStep()),
                    "history from before the crash survived");
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The index of the container that holds {@code rank} in the current ring (ids are worker-INDEX). */
    private static int workerWithRank(RingclipCluster cluster, int rank) {
        return cluster.admin().workers().getWorkersList().stream()
                .filter(w -> w.getState() == WorkerState.WORKER_STATE_ACTIVE && w.getRank() == rank)
                .map(w -> Integer.parseInt(w.getWorkerId().substring("worker-".length())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no active worker with rank " + rank));
    }

    private static JobStatus job(RingclipCluster cluster, String jobId) {
        return cluster.admin().jobs().stream().filter(j -> j.getJobId().equals(jobId)).findFirst().orElse(null);
    }

    /** Waits until the job runs on {@code worldSize} workers and has passed {@link #FAULT_AT_STEP}. */
    private static JobStatus awaitRunning(RingclipCluster cluster, String jobId, int worldSize) {
        return Await.until("job " + jobId + " running on " + worldSize + " workers past step " + FAULT_AT_STEP,
                JOB_TIMEOUT, () -> job(cluster, jobId),
                j -> j != null && j.getState() == JobState.JOB_STATE_RUNNING
                        && j.getWorldSize() == worldSize && j.getStep() >= FAULT_AT_STEP);
    }

    private static JobStatus awaitEnd(RingclipCluster cluster, String jobId) {
        return Await.until("job " + jobId + " to end", JOB_TIMEOUT, () -> job(cluster, jobId),
                j -> j != null && switch (j.getState()) {
                    case JOB_STATE_FINISHED, JOB_STATE_FAILED, JOB_STATE_STOPPED, JOB_STATE_CANCELLED -> true;
                    default -> false;
                });
    }

    /** Mean loss of the last reported points is below the mean of the first ones. */
    private static void assertLossFell(List<ProgressPoint> history) {
        assertTrue(history.size() >= 4, () -> "too few progress points: " + history.size());
        int k = Math.max(2, history.size() / 4);
        double first = history.subList(0, k).stream().mapToDouble(ProgressPoint::getLoss).average().orElseThrow();
        double last = history.subList(history.size() - k, history.size()).stream().mapToDouble(ProgressPoint::getLoss).average().orElseThrow();
        assertTrue(last < first, () -> "loss did not fall: first=" + first + ", last=" + last + ", points=" + history.size());
    }
}

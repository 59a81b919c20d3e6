package io.ringclip.it.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.it.cluster.Await;
import io.ringclip.it.cluster.CoordinatorAdmin;
import io.ringclip.it.docker.RingclipImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code docker-compose up --scale worker=2} runs the job of deploy/compose-job.yaml (submitted by
 * the stack's own {@code submit} service) to the end, as the coordinator reports it.
 */
@ExtendWith(RingclipImage.class)
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class ComposeStackIT {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final int WORKERS = 2;

    @Test
    void shouldTrainTheSubmittedJobToTheEnd() throws Exception {
        try (ComposeStack stack = ComposeStack.up(WORKERS);
                CoordinatorAdmin admin = new CoordinatorAdmin("localhost", stack.grpcPort(), ComposeStack.ADMIN_TOKEN)) {
            JobStatus done = Await.until("the compose job to end", JOB_TIMEOUT, () -> composeJob(admin.jobs()),
                    j -> j.isPresent() && j.get().getEndedUnixMs() > 0).orElseThrow();

            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done::toString);
            assertEquals(done.getSpec().getSteps(), done.getStep());
            assertEquals(WORKERS, done.getWorldSize());
            assertTrue(done.getHistoryCount() > 0, "progress was reported");
        }
    }

    private static Optional<JobStatus> composeJob(List<JobStatus> jobs) {
        return jobs.stream().filter(j -> j.getSpec().getName().equals("compose")).findFirst();
    }
}

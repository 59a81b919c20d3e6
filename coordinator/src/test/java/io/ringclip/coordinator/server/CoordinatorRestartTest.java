package io.ringclip.coordinator.server;

import static io.ringclip.coordinator.server.InProcessCoordinator.ADMIN_TOKEN;
import static io.ringclip.coordinator.server.InProcessCoordinator.JOB_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.JoinResponse;
import io.ringclip.coordinator.api.ProgressReport;
import io.ringclip.coordinator.api.SubmitJobRequest;
import io.ringclip.coordinator.membership.MembershipConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoordinatorRestartTest {

    @TempDir
    Path journalDir;

    private CoordinatorConfig config() {
        return CoordinatorConfig.of(MembershipConfig.of(Duration.ofSeconds(3), Duration.ZERO, 1))
                .withTokens(JOB_TOKEN, ADMIN_TOKEN).withJournal(journalDir);
    }

    private static JoinRequest join(String id) {
        return JoinRequest.newBuilder().setWorkerId(id).setHost("127.0.0.1").setDataPort(9000).build();
    }

    @Test
    void shouldRecoverTheRunningJobAndLetWorkersRejoinAtANewGeneration() throws Exception {
        String jobId;
        String queuedId;
        long generationBefore;
        JobStatus before;
        try (InProcessCoordinator first = new InProcessCoordinator(config())) {
            jobId = first.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder().setName("clip")
                    .setSpecText("{\"steps\": 50}").setSpecFormat("json").setMinWorkers(2).setMaxWorkers(2).setSteps(50)).build())
                    .getJobId();
            queuedId = first.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(JobSpec.newBuilder().setName("next")
                    .setMinWorkers(1).setSteps(5)).build()).getJobId();
            first.membership().join(join("w1"));
            JoinResponse w2 = first.membership().join(join("w2"));
            generationBefore = w2.getAssignment().getGeneration();
            first.launch().reportProgress(ProgressReport.newBuilder().setWorkerId("w1").setJobId(jobId)
                    .setGeneration(generationBefore).setStep(7).setLoss(3.5).setSamplesPerSecond(12).build());
            before = first.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            assertEquals(JobState.JOB_STATE_RUNNING, before.getState());
        }

        try (InProcessCoordinator second = new InProcessCoordinator(config())) {
            JobStatus recovered = second.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
            assertEquals(JobState.JOB_STATE_WAITING, recovered.getState());
            assertTrue(recovered.getReason().contains("coordinator restarted"), recovered.getReason());
            assertEquals(before.getHistoryList(), recovered.getHistoryList());
            assertEquals(before.getSpec(), recovered.getSpec());
            assertEquals(JobState.JOB_STATE_QUEUED,
                    second.launch().getJob(GetJobRequest.newBuilder().setJobId(queuedId).build()).getState());

            second.membership().join(join("w2"));
            JoinResponse w1 = second.membership().join(join("w1"));
            assertEquals(AssignmentState.ASSIGNMENT_STATE_RUNNING, w1.getAssignment().getState());
            assertEquals(jobId, w1.getAssignment().getJobId());
            assertTrue(w1.getAssignment().getGeneration() > generationBefore,
                    "generation after restart=" + w1.getAssignment().getGeneration() + " must exceed " + generationBefore);
            assertEquals(JobState.JOB_STATE_RUNNING, second.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build()).getState());
        }
    }
}

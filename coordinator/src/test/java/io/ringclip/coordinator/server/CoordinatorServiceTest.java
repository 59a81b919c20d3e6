package io.ringclip.coordinator.server;

import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_RUNNING;
import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_STOPPED;
import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_WAITING;
import static io.ringclip.coordinator.server.InProcessCoordinator.ADMIN_TOKEN;
import static io.ringclip.coordinator.server.InProcessCoordinator.JOB_TOKEN;
import static io.ringclip.coordinator.server.InProcessCoordinator.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.HeartbeatRequest;
import io.ringclip.coordinator.api.HeartbeatResponse;
import io.ringclip.coordinator.api.JobControlRequest;
import io.ringclip.coordinator.api.JobResultReport;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.JoinResponse;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.LeaveRequest;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.ListWorkersRequest;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.api.ProgressReport;
import io.ringclip.coordinator.api.Removal;
import io.ringclip.coordinator.api.SubmitJobRequest;
import io.ringclip.coordinator.api.WatchRequest;
import io.ringclip.coordinator.api.WorkerControlRequest;
import io.ringclip.coordinator.api.WorkerState;
import io.ringclip.coordinator.membership.MembershipConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CoordinatorServiceTest {

    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);

    private InProcessCoordinator c;

    @BeforeEach
    void start() throws IOException {
        c = new InProcessCoordinator(CoordinatorConfig.of(MembershipConfig.of(HEARTBEAT_TIMEOUT, Duration.ofSeconds(2), 1))
                .withTokens(JOB_TOKEN, ADMIN_TOKEN));
    }

    @AfterEach
    void stop() {
        c.close();
    }

    private static JobSpec spec(int min, int max) {
        return JobSpec.newBuilder().setName("clip").setSpecText("model: tiny\nsteps: 100\n").setSpecFormat("yaml")
                .setMinWorkers(min).setMaxWorkers(max).setSteps(100).build();
    }

    private JobStatus submit(int min, int max) {
        return c.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(spec(min, max)).build());
    }

    private static JoinRequest joinRequest(String id) {
        return JoinRequest.newBuilder().setWorkerId(id).setHost("127.0.0.1").setDataPort(7000 + id.hashCode() % 100)
                .putCapabilities("cores", "2").build();
    }

    private JoinResponse join(String id) {
        return c.membership().join(joinRequest(id));
    }

    private RecordingObserver<Assignment> watch(String id) {
        RecordingObserver<Assignment> stream = new RecordingObserver<>();
        c.membershipAsync().watchAssignment(WatchRequest.newBuilder().setWorkerId(id).build(), stream);
        return stream;
    }

    private static Status.Code codeOf(Executable call) {
        return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
    }

    @FunctionalInterface
    interface Executable {
        void run();
    }

    @Test
    void shouldJoinWatchAndHeartbeat() {
        String jobId = submit(2, 2).getJobId();
        JoinResponse first = join("w1");
        assertEquals(ASSIGNMENT_STATE_WAITING, first.getAssignment().getState());
        assertEquals(3000, first.getHeartbeatTimeoutMs());
        assertEquals(1000, first.getHeartbeatIntervalMs());
        assertEquals("model: tiny\nsteps: 100\n", first.getAssignment().getJob().getSpecText(), "workers receive the spec on join");
        RecordingObserver<Assignment> w1 = watch("w1");
        assertEquals(first.getAssignment(), w1.last(), "a watch starts with the current assignment");

        JoinResponse second = join("w2");
        RecordingObserver<Assignment> w2 = watch("w2");
        assertEquals(ASSIGNMENT_STATE_RUNNING, second.getAssignment().getState());
        for (RecordingObserver<Assignment> w : List.of(w1, w2)) {
            Assignment a = w.last();
            assertEquals(ASSIGNMENT_STATE_RUNNING, a.getState());
            assertEquals(2, a.getWorldSize());
            assertEquals(List.of("w1", "w2"), a.getPeersList().stream().map(p -> p.getWorkerId()).toList());
            assertEquals(jobId, a.getJobId());
        }
        assertEquals(0, w1.last().getRank());
        assertEquals(1, w2.last().getRank());

        HeartbeatResponse hb = c.membership().heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w1")
                .setGeneration(w1.last().getGeneration()).build());
        assertEquals(w1.last().getGeneration(), hb.getGeneration());
        assertEquals(ASSIGNMENT_STATE_RUNNING, hb.getState());
        assertEquals(JobState.JOB_STATE_RUNNING, c.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build()).getState());
    }

    @Test
    void shouldSendSurvivorsANewGenerationWhenAWorkerMissesHeartbeats() {
        submit(2, 3);
        join("w1");
        join("w2");
        join("w3");
        RecordingObserver<Assignment> w1 = watch("w1");
        RecordingObserver<Assignment> w2 = watch("w2");
        RecordingObserver<Assignment> w3 = watch("w3");
        long generation = w1.last().getGeneration();

        c.clock.advance(HEARTBEAT_TIMEOUT.plusMillis(1));
        c.membership().heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w1").build());
        c.membership().heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w3").build());
        c.tick();

        for (RecordingObserver<Assignment> survivor : List.of(w1, w3)) {
            Assignment a = survivor.last();
            assertEquals(generation + 1, a.getGeneration());
            assertEquals(ASSIGNMENT_STATE_RUNNING, a.getState());
            assertEquals(2, a.getWorldSize());
        }
        assertEquals(1, w3.last().getRank());
        assertEquals(ASSIGNMENT_STATE_STOPPED, w2.last().getState());
        assertEquals(Removal.REMOVAL_EVICTED, w2.last().getRemoval());
        assertTrue(w2.completed(), "the evicted worker's stream ends");
        assertEquals(Status.Code.NOT_FOUND, codeOf(() -> c.membership().heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w2").build())));

        join("w2"); // it comes back: admitted at the next generation
        assertEquals(generation + 2, w1.last().getGeneration());
        assertEquals(3, w1.last().getWorldSize());
    }

    @Test
    void shouldLeaveAndPauseBelowMinWorkers() {
        String jobId = submit(2, 0).getJobId();
        join("w1");
        join("w2");
        c.clock.advance(Duration.ofSeconds(2));
        c.tick();
        RecordingObserver<Assignment> w1 = watch("w1");
        assertEquals(ASSIGNMENT_STATE_RUNNING, w1.last().getState());
        c.membership().leave(LeaveRequest.newBuilder().setWorkerId("w2").setReason("preempted").build());
        assertEquals(io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_PAUSED, w1.last().getState());
        JobStatus job = c.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        assertEquals(JobState.JOB_STATE_PAUSED, job.getState());
        assertEquals("paused: workers=1 < min_workers=2", job.getReason());
        join("w3");
        assertEquals(ASSIGNMENT_STATE_RUNNING, w1.last().getState());
        assertEquals(JobState.JOB_STATE_RUNNING, c.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build()).getState());
    }

    @Test
    void shouldSubmitListAndGetJobsAndQueueTheSecond() {
        JobStatus a = submit(1, 1);
        JobStatus b = submit(1, 1);
        assertEquals(JobState.JOB_STATE_WAITING, a.getState());
        assertEquals(JobState.JOB_STATE_QUEUED, b.getState());
        assertEquals(List.of(a.getJobId(), b.getJobId()),
                c.launch().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList().stream().map(JobStatus::getJobId).toList());
        assertEquals(spec(1, 1), c.launch().getJob(GetJobRequest.newBuilder().setJobId(b.getJobId()).build()).getSpec());
        assertEquals(Status.Code.NOT_FOUND, codeOf(() -> c.launch().getJob(GetJobRequest.newBuilder().setJobId("nope-1").build())));
    }

    @Test
    void shouldDefaultMinWorkersFromTheCoordinator() {
        JobStatus job = submit(0, 0);
        assertEquals(1, job.getSpec().getMinWorkers());
    }

    @Test
    void shouldRecordProgressAndFinishTheJob() {
        String jobId = submit(1, 1).getJobId();
        join("w1");
        RecordingObserver<Assignment> w1 = watch("w1");
        long generation = w1.last().getGeneration();
        for (int step = 1; step <= 3; step++) {
            c.launch().reportProgress(ProgressReport.newBuilder().setWorkerId("w1").setJobId(jobId).setGeneration(generation)
                    .setStep(step).setLoss(5.0 - step).setSamplesPerSecond(100 + step).build());
        }
        c.launch().reportProgress(ProgressReport.newBuilder().setWorkerId("w1").setJobId(jobId).setGeneration(generation)
                .setStep(3).setLoss(2.0).putEval("zeroshot_top1", 0.5).build());
        JobStatus job = c.launch().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
        assertEquals(3, job.getStep());
        assertEquals(2.0, job.getLoss());
        assertEquals(3, job.getHistoryCount());
        assertEquals(List.of(4.0, 3.0, 2.0), job.getHistoryList().stream().map(p -> p.getLoss()).toList());
        assertEquals(0.5, job.getEvalOrThrow("zeroshot_top1"));

        JobStatus done = c.launch().reportResult(JobResultReport.newBuilder().setWorkerId("w1").setJobId(jobId)
                .setGeneration(generation).setSuccess(true).setMessage("3 steps").build());
        assertEquals(JobState.JOB_STATE_FINISHED, done.getState());
        assertEquals(ASSIGNMENT_STATE_STOPPED, w1.last().getState());
        assertEquals(Removal.REMOVAL_NONE, w1.last().getRemoval());
        assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> c.launch().reportProgress(ProgressReport.newBuilder()
                .setWorkerId("w1").setJobId(jobId).setGeneration(generation).setStep(4).setLoss(1).build())));
        String scrape = c.server.meterRegistry().scrape();
        assertTrue(scrape.contains("ringclip_job_step 3.0"), scrape);
        assertTrue(scrape.contains("ringclip_coordinator_workers 1.0"), scrape);
    }

    @Test
    void shouldStartTheQueuedJobWhenTheActiveOneIsStopped() {
        String first = submit(1, 1).getJobId();
        String second = submit(1, 1).getJobId();
        join("w1");
        RecordingObserver<Assignment> w1 = watch("w1");
        JobStatus stopped = c.admin().stopJob(JobControlRequest.newBuilder().setJobId(first).setReason("wrong lr").build());
        assertEquals(JobState.JOB_STATE_STOPPED, stopped.getState());
        assertEquals("stopped by admin: wrong lr", stopped.getReason());
        List<Assignment> seen = w1.values();
        assertEquals(ASSIGNMENT_STATE_STOPPED, seen.get(seen.size() - 2).getState(), "workers see the stop before the next job");
        assertEquals(JobState.JOB_STATE_STOPPED, seen.get(seen.size() - 2).getJobState(), "a graceful stop: checkpoint, then exit");
        assertEquals(first, seen.get(seen.size() - 2).getJobId());
        assertEquals(second, w1.last().getJobId());
        assertEquals(ASSIGNMENT_STATE_RUNNING, w1.last().getState());
        assertEquals(Status.Code.FAILED_PRECONDITION,
                codeOf(() -> c.admin().cancelJob(JobControlRequest.newBuilder().setJobId(first).build())));
    }

    @Test
    void shouldListDrainAndEvictWorkers() {
        submit(1, 0);
        join("w1");
        join("w2");
        c.clock.advance(Duration.ofSeconds(2));
        c.tick();
        ListWorkersResponse workers = c.admin().listWorkers(ListWorkersRequest.getDefaultInstance());
        assertEquals(2, workers.getWorkersCount());
        assertEquals(WorkerState.WORKER_STATE_ACTIVE, workers.getWorkers(1).getState());
        assertEquals(1, workers.getWorkers(1).getRank());
        assertEquals(2000, workers.getWorkers(0).getLastHeartbeatAgeMs());
        assertEquals("2", workers.getWorkers(0).getCapabilitiesOrThrow("cores"));

        RecordingObserver<Assignment> w2 = watch("w2");
        c.admin().drainWorker(WorkerControlRequest.newBuilder().setWorkerId("w2").setReason("maintenance").build());
        assertEquals(Removal.REMOVAL_DRAINED, w2.last().getRemoval());
        assertTrue(w2.completed());
        assertEquals(Status.Code.FAILED_PRECONDITION, codeOf(() -> join("w2")));
        assertEquals(WorkerState.WORKER_STATE_DRAINED,
                c.admin().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkers(1).getState());

        c.admin().evictWorker(WorkerControlRequest.newBuilder().setWorkerId("w1").build());
        assertEquals(Status.Code.NOT_FOUND,
                codeOf(() -> c.admin().evictWorker(WorkerControlRequest.newBuilder().setWorkerId("w1").build())));
        join("w1");
    }

    @Test
    void shouldRefuseMissingAndWrongTokensWithoutChangingState() {
        MembershipGrpc.MembershipBlockingStub noToken = withToken(MembershipGrpc.newBlockingStub(c.channel), null);
        MembershipGrpc.MembershipBlockingStub wrongToken = withToken(MembershipGrpc.newBlockingStub(c.channel), "guess");
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> noToken.join(joinRequest("w1"))));
        assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> wrongToken.join(joinRequest("w1"))));
        assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> withToken(LaunchGrpc.newBlockingStub(c.channel), "guess")
                .submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1)).build())));

        AdminGrpc.AdminBlockingStub adminWithJobToken = withToken(AdminGrpc.newBlockingStub(c.channel), JOB_TOKEN);
        assertEquals(Status.Code.PERMISSION_DENIED, codeOf(() -> adminWithJobToken.listWorkers(ListWorkersRequest.getDefaultInstance())));
        assertEquals(Status.Code.UNAUTHENTICATED, codeOf(() -> withToken(AdminGrpc.newBlockingStub(c.channel), null)
                .listWorkers(ListWorkersRequest.getDefaultInstance())));

        assertEquals(0, c.admin().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount(), "refused calls changed nothing");
        assertEquals(0, c.admin().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount());

        // the admin token also grants membership and launch; x-ringclip-token works like a bearer token
        withToken(MembershipGrpc.newBlockingStub(c.channel), ADMIN_TOKEN).join(joinRequest("w1"));
        io.grpc.Metadata md = new io.grpc.Metadata();
        md.put(io.ringclip.coordinator.auth.AuthHeaders.RINGCLIP_TOKEN, JOB_TOKEN);
        MembershipGrpc.newBlockingStub(c.channel).withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(md))
                .withDeadlineAfter(5, TimeUnit.SECONDS).join(joinRequest("w2"));
        assertEquals(2, c.admin().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount());
    }

    @Test
    void shouldRejectMalformedRequestsWithInvalidArgumentAndChangeNothing() {
        List<Executable> malformed = List.of(
                () -> c.membership().join(joinRequest("w1").toBuilder().setWorkerId("").build()),
                () -> c.membership().join(joinRequest("w1").toBuilder().setWorkerId("has space").build()),
                () -> c.membership().join(joinRequest("w1").toBuilder().setHost("").build()),
                () -> c.membership().join(joinRequest("w1").toBuilder().setDataPort(0).build()),
                () -> c.membership().join(joinRequest("w1").toBuilder().setDataPort(70000).build()),
                () -> c.membership().heartbeat(HeartbeatRequest.getDefaultInstance()),
                () -> c.launch().submitJob(SubmitJobRequest.getDefaultInstance()),
                () -> c.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(spec(3, 2)).build()),
                () -> c.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1).toBuilder().setSteps(0)).build()),
                () -> c.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1).toBuilder().setName("a/b")).build()),
                () -> c.launch().submitJob(SubmitJobRequest.newBuilder().setSpec(spec(1, 1).toBuilder().setSpecFormat("toml")).build()),
                () -> c.launch().reportProgress(ProgressReport.newBuilder().setWorkerId("w1").setJobId("clip-1").setGeneration(1)
                        .setLoss(Double.NaN).build()),
                () -> c.launch().reportProgress(ProgressReport.newBuilder().setWorkerId("w1").setJobId("clip-1").setGeneration(1)
                        .setStep(-1).build()),
                () -> c.admin().drainWorker(WorkerControlRequest.newBuilder().setWorkerId("").build()),
                () -> c.admin().stopJob(JobControlRequest.getDefaultInstance()));
        for (Executable call : malformed) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains("="), "key=value description: " + e.getStatus().getDescription());
        }
        assertEquals(0, c.admin().listWorkers(ListWorkersRequest.getDefaultInstance()).getWorkersCount());
        assertEquals(0, c.admin().listJobs(ListJobsRequest.getDefaultInstance()).getJobsCount());
        assertEquals(0, c.admin().listWorkers(ListWorkersRequest.getDefaultInstance()).getGeneration());
    }

    @Test
    void shouldServeHealthAndReflectionWithoutATOken() throws InterruptedException {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(c.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("ringclip.v1.Membership").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());

        RecordingObserver<ServerReflectionResponse> responses = new RecordingObserver<>();
        var requests = ServerReflectionGrpc.newStub(c.channel).withDeadlineAfter(5, TimeUnit.SECONDS).serverReflectionInfo(responses);
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        assertNull(responses.error());
        List<String> services = responses.last().getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList();
        assertTrue(services.containsAll(List.of("ringclip.v1.Membership", "ringclip.v1.Launch", "ringclip.v1.Admin",
                "grpc.health.v1.Health")), services.toString());
    }
}

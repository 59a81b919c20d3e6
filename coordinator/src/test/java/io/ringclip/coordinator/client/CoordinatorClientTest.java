package io.ringclip.coordinator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.membership.ManualClock;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CommandLoop;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker client against an in-process coordinator that runs its own command thread (the
 * client is concurrent: heartbeats, watch stream and callers on different threads). Time for
 * heartbeat deadlines stands still (manual clock), so nobody is evicted unless a test says so.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoordinatorClientTest {

    private static final String JOB_TOKEN = "job-secret";
    private static final String ADMIN_TOKEN = "admin-secret";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path journalDir;

    private final String name = InProcessServerBuilder.generateName();
    private final ManualClock clock = new ManualClock();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CoordinatorServer server;
    private ManagedChannel channel;

    private CoordinatorServer startServer() throws IOException {
        CoordinatorConfig config = CoordinatorConfig.of(MembershipConfig.of(Duration.ofSeconds(3), Duration.ZERO, 1))
                .withTokens(JOB_TOKEN, ADMIN_TOKEN).withJournal(journalDir);
        return CoordinatorServer.start(InProcessServerBuilder.forName(name), config, clock, CommandLoop.singleThread("test-core"));
    }

    @BeforeEach
    void start() throws IOException {
        server = startServer();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    private ClientOptions options() {
        return ClientOptions.defaults().withToken(JOB_TOKEN).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private CoordinatorClient worker(String id, AssignmentListener listener) {
        CoordinatorClient client = CoordinatorClient.create(channel, new WorkerIdentity(id, "127.0.0.1", 7001, Map.of("cores", "2")),
                options());
        closeables.add(client);
        client.start(listener);
        return client;
    }

    private CoordinatorClient worker(String id) {
        return worker(id, a -> {});
    }

    private String submit(int min, int max) {
        try (JobClient jobs = JobClient.create(channel, JOB_TOKEN, Duration.ofSeconds(5))) {
            return jobs.submit("clip", "model: tiny\n", "yaml", min, max, 10).getJobId();
        }
    }

    private AdminClient admin() {
        return AdminClient.create(channel, ADMIN_TOKEN, Duration.ofSeconds(5));
    }

    @Test
    void shouldReachRunningReportProgressAndLeave() throws Exception {
        String jobId = submit(2, 2);
        List<Assignment> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CoordinatorClient w1 = worker("w1", seen::add);
        CoordinatorClient w2 = worker("w2");
        Assignment a1 = w1.awaitRunning(WAIT);
        Assignment a2 = w2.awaitAssignment(a -> a.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING
                && a.getGeneration() == a1.getGeneration(), WAIT);
        assertEquals(2, a1.getWorldSize());
        assertEquals(List.of(0, 1), List.of(a1.getRank(), a2.getRank()).stream().sorted().toList());
        assertEquals("model: tiny\n", a1.getJob().getSpecText());
        assertEquals(seen.size(), seen.stream().distinct().count(), "each assignment delivered once");

        w1.reportProgress(1, 4.5, 80, Map.of());
        w1.reportProgress(2, 4.25, 81, Map.of("zeroshot_top1", 0.1));
        try (AdminClient admin = admin()) {
            JobStatus job = admin.getJob(jobId);
            assertEquals(2, job.getStep());
            assertEquals(4.25, job.getLoss());
            assertEquals(2, job.getHistoryCount());
        }

        w2.leave("done here");
        Assignment paused = w1.awaitAssignment(a -> a.getState() == AssignmentState.ASSIGNMENT_STATE_PAUSED, WAIT);
        assertTrue(paused.getGeneration() > a1.getGeneration());
    }

    @Test
    void shouldFinishTheJobWhenAWorkerReportsSuccess() throws Exception {
        String jobId = submit(1, 1);
        CoordinatorClient w1 = worker("w1");
        w1.awaitRunning(WAIT);
        JobStatus done = w1.reportResult(true, "10 steps");
        assertEquals(JobState.JOB_STATE_FINISHED, done.getState());
        Assignment stopped = w1.awaitAssignment(a -> a.getState() == AssignmentState.ASSIGNMENT_STATE_STOPPED, WAIT);
        assertEquals(jobId, stopped.getJobId());
    }

    @Test
    void shouldRejoinByItselfAfterEviction() throws Exception {
        submit(1, 0);
        CoordinatorClient w1 = worker("w1");
        Assignment running = w1.awaitRunning(WAIT);
        long evictedAt;
        try (AdminClient admin = admin()) {
            evictedAt = admin.evictWorker("w1", "test");
        }
        Assignment back = w1.awaitAssignment(a -> a.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING
                && a.getGeneration() > evictedAt, WAIT);
        assertTrue(back.getGeneration() > running.getGeneration());
        assertEquals(1, back.getWorldSize());
    }

    @Test
    void shouldEvictASilentClientAndMoveTheOthersToANewGeneration() throws Exception {
        submit(1, 0);
        CoordinatorClient w1 = worker("w1");
        CoordinatorClient w2 = worker("w2");
        w1.awaitAssignment(a -> a.getWorldSize() == 2, WAIT);
        w2.awaitAssignment(a -> a.getWorldSize() == 2, WAIT);
        long generation = w1.currentAssignment().getGeneration();
        w2.close(); // stops heartbeating without leaving
        clock.advance(Duration.ofSeconds(4)); // past the 3 s heartbeat timeout
        // w1 heartbeats on a real-time schedule; one explicit heartbeat at the new time keeps it alive
        io.ringclip.coordinator.api.MembershipGrpc.newBlockingStub(channel)
                .withInterceptors(Stubs.tokenInterceptor(JOB_TOKEN)).withDeadlineAfter(5, TimeUnit.SECONDS)
                .heartbeat(io.ringclip.coordinator.api.HeartbeatRequest.newBuilder().setWorkerId("w1").build());
        server.core().tick();
        Assignment a = w1.awaitAssignment(x -> x.getGeneration() > generation, WAIT);
        assertEquals(AssignmentState.ASSIGNMENT_STATE_RUNNING, a.getState());
        assertEquals(1, a.getWorldSize());
        assertEquals("w1", a.getPeers(0).getWorkerId());
    }

    @Test
    void shouldStopForGoodWhenDrained() throws Exception {
        submit(1, 0);
        CompletableFuture<Status> terminated = new CompletableFuture<>();
        CoordinatorClient w1 = worker("w1", new AssignmentListener() {
            @Override
            public void onAssignment(Assignment assignment) {}

            @Override
            public void onTerminated(Status cause) {
                terminated.complete(cause);
            }
        });
        w1.awaitRunning(WAIT);
        try (AdminClient admin = admin()) {
            admin.drainWorker("w1", "maintenance");
        }
        assertEquals(Status.Code.FAILED_PRECONDITION, terminated.get(10, TimeUnit.SECONDS).getCode());
    }

    @Test
    void shouldTerminateOnAWrongToken() throws Exception {
        CompletableFuture<Status> terminated = new CompletableFuture<>();
        CoordinatorClient client = CoordinatorClient.create(channel, new WorkerIdentity("w1", "127.0.0.1", 7001, Map.of()),
                options().withToken("guess"));
        closeables.add(client);
        client.start(new AssignmentListener() {
            @Override
            public void onAssignment(Assignment assignment) {}

            @Override
            public void onTerminated(Status cause) {
                terminated.complete(cause);
            }
        });
        assertEquals(Status.Code.PERMISSION_DENIED, terminated.get(10, TimeUnit.SECONDS).getCode());
    }

    @Test
    void shouldReconnectAndRejoinWhenTheCoordinatorRestarts() throws Exception {
        String jobId = submit(2, 0);
        CoordinatorClient w1 = worker("w1");
        CoordinatorClient w2 = worker("w2");
        Assignment before = w1.awaitAssignment(a -> a.getWorldSize() == 2, WAIT);
        w2.awaitAssignment(a -> a.getWorldSize() == 2, WAIT);

        server.close();
        server = startServer(); // same name, same journal

        for (CoordinatorClient w : List.of(w1, w2)) {
            Assignment after = w.awaitAssignment(a -> a.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING
                    && a.getGeneration() > before.getGeneration() && a.getWorldSize() == 2, WAIT);
            assertEquals(jobId, after.getJobId(), "the recovered job continues");
        }
    }
}

package io.ringclip.trainer.cluster;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.client.AdminClient;
import io.ringclip.coordinator.client.ClientOptions;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.coordinator.client.JobClient;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * A real coordinator (gRPC over loopback TCP, system clock) and cluster workers as threads of
 * this JVM, each with its own coordinator client and Netty data port: everything a worker
 * process does except the process boundary.
 */
final class TestCoordinator implements AutoCloseable {

    static final String JOB_TOKEN = "job-token-for-tests";
    static final String ADMIN_TOKEN = "admin-token-for-tests";

    final CoordinatorServer server;
    final AdminClient admin;
    final JobClient jobs;
    final Path outRoot;
    final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();

    TestCoordinator(Path outRoot, Duration heartbeatTimeout) throws IOException {
        this.outRoot = outRoot;
        server = CoordinatorServer.start(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                CoordinatorConfig.of(MembershipConfig.of(heartbeatTimeout, Duration.ZERO, 1)).withTokens(JOB_TOKEN, ADMIN_TOKEN));
        admin = AdminClient.connect(target(), ADMIN_TOKEN, Duration.ofSeconds(5));
        jobs = JobClient.connect(target(), JOB_TOKEN, Duration.ofSeconds(5));
    }

    String target() {
        return "127.0.0.1:" + server.port();
    }

    /** The tiny CLIP model on synthetic data: {@code steps} steps of batch 4 per worker. */
    JobStatus submitTinyJob(String name, int steps, int minWorkers, int maxWorkers) {
        return submitTinyJob(name, steps, minWorkers, maxWorkers, "");
    }

    /** As above, with more job-spec lines ({@code extraYaml}, e.g. {@code "overlap: false\n"}). */
    JobStatus submitTinyJob(String name, int steps, int minWorkers, int maxWorkers, String extraYaml) {
        String yaml = """
                model: tiny
                loss: clip
                precision: fp32
                data: synthetic:2000
                batch: 4
                steps: %d
                lr: 0.002
                warmup: 1
                """.formatted(steps) + extraYaml;
        return jobs.submit(JobSpec.newBuilder().setName(name).setSpecText(yaml).setSpecFormat("yaml")
                .setMinWorkers(minWorkers).setMaxWorkers(maxWorkers).setSteps(steps).build());
    }

    /** Starts a worker thread; the future completes with its result or its exception. */
    CompletableFuture<ClusterWorker.Result> startWorker(String workerId) {
        ClusterWorkerOptions options = new ClusterWorkerOptions(workerId, "127.0.0.1", 0, JOB_TOKEN, outRoot.resolve(workerId), 1,
                Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(10));
        ClientOptions client = ClientOptions.defaults().withToken(JOB_TOKEN).withBackoff(Duration.ofMillis(50), Duration.ofSeconds(1));
        ClusterWorker worker = new ClusterWorker(options, id -> CoordinatorClient.connect(target(), id, client),
                line -> log.add(java.time.Instant.now() + " " + workerId + ": " + line));
        CompletableFuture<ClusterWorker.Result> result = new CompletableFuture<>();
        Thread.ofPlatform().name("test-worker-" + workerId).daemon().start(() -> {
            try {
                result.complete(worker.run());
            } catch (Throwable t) {
                log.add(workerId + ": failed: " + t);
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    JobStatus job(String jobId) {
        return admin.getJob(jobId);
    }

    static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out waiting for " + what + ": timeout=" + timeout);
            }
            Thread.sleep(100);
        }
    }

    List<String> logLines() {
        return new ArrayList<>(log);
    }

    @Override
    public void close() {
        admin.close();
        jobs.close();
        server.close();
    }
}

package io.ringclip.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.it.docker.RingclipImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.Container.ExecResult;

/**
 * The coordinator as deployed: in its container, with the journal, tokens and ports of
 * docker-compose.yml. Its admin API answers on the published port and through the CLI inside the
 * container, its metrics are scraped over HTTP, and a job survives a SIGKILL of the container.
 */
@ExtendWith(RingclipImage.class)
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class CoordinatorContainerIT {

    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);

    /** One coordinator for the tests that only read from it (a container start costs ~10 s on CI). */
    private static RingclipCluster shared;

    @BeforeAll
    static void startSharedCoordinator() {
        shared = RingclipCluster.start("coordinator-shared", 0);
    }

    @AfterAll
    static void stopSharedCoordinator() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    void shouldKeepASubmittedJobAcrossACrashRestart() throws Exception {
        try (RingclipCluster cluster = RingclipCluster.start("coordinator-restart", 0)) {
            JobStatus submitted = cluster.admin().submit(TestJobs.tinyClip("it-journal", 10, 2, 2));
            assertEquals(JobState.JOB_STATE_WAITING, submitted.getState(), "no workers yet: " + submitted);

            cluster.crashAndRestartCoordinator();

            List<JobStatus> jobs = Await.until("the coordinator to answer again", RESTART_TIMEOUT,
                    () -> cluster.admin().jobs(), list -> !list.isEmpty());
            assertEquals(1, jobs.size(), jobs::toString);
            JobStatus recovered = jobs.getFirst();
            assertEquals(submitted.getJobId(), recovered.getJobId());
            assertEquals("it-journal", recovered.getSpec().getName());
            assertEquals(submitted.getSpec().getSpecText(), recovered.getSpec().getSpecText(), "spec restored verbatim from the journal");
            assertEquals(JobState.JOB_STATE_WAITING, recovered.getState());
        }
    }

    @Test
    void shouldAnswerTheAdminCliInsideTheContainer() throws Exception {
        String jobId = shared.admin().submit(TestJobs.tinyClip("it-cli", 10, 2, 2)).getJobId();

        ExecResult jobs = shared.execInCoordinator("ringclip", "admin", "jobs");

        assertEquals(0, jobs.getExitCode(), jobs::getStderr);
        assertTrue(jobs.getStdout().lines().anyMatch(l -> l.startsWith(jobId + " ") && l.contains("WAITING")), jobs::getStdout);
    }

    @Test
    void shouldServePrometheusMetricsOnThePublishedPort() throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(shared.metricsUrl()))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("ringclip_coordinator_generation"), scrape::body);
        }
    }
}

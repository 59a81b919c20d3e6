package io.ringclip.coordinator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import io.ringclip.coordinator.server.MetricsHttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real coordinator on loopback TCP (grpc-netty-shaded, real clock, its own command thread) and
 * three workers on their own channels. One worker goes silent; the survivors must be moved to a
 * new generation of world size 2. Waits are deadlines, not timing assertions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MultiWorkerNettyTest {

    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofMillis(1500); // generous: the test machine is shared and loaded
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void shouldGiveSurvivorsANewGenerationOfWorldSizeTwoWhenOneWorkerStopsHeartbeating() throws Exception {
        CoordinatorConfig config = CoordinatorConfig.of(MembershipConfig.of(HEARTBEAT_TIMEOUT, Duration.ZERO, 1))
                .withTokens("job-secret", "admin-secret");
        try (CoordinatorServer server = CoordinatorServer.start(
                        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), config);
                MetricsHttpServer metrics = MetricsHttpServer.start(new InetSocketAddress("127.0.0.1", 0), server)) {
            String target = "127.0.0.1:" + server.port();
            try (JobClient jobs = JobClient.connect(target, "job-secret", Duration.ofSeconds(5))) {
                jobs.submit("clip", "model: tiny\n", "yaml", 2, 3, 100);
            }
            ClientOptions options = ClientOptions.defaults().withToken("job-secret")
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
            List<CoordinatorClient> workers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    CoordinatorClient w = CoordinatorClient.connect(target,
                            new WorkerIdentity("w" + i, "127.0.0.1", 29500 + i, Map.of()), options);
                    workers.add(w);
                    w.start(a -> {});
                }
                Assignment full = null;
                for (CoordinatorClient w : workers) {
                    Assignment a = w.awaitAssignment(x -> x.getWorldSize() == 3, WAIT);
                    full = full == null || a.getGeneration() > full.getGeneration() ? a : full;
                }
                // survivors keep their relative ring order (workers joined concurrently: any order)
                List<Peer> expectedRing = full.getPeersList().stream().filter(p -> !p.getWorkerId().equals("w1")).toList();

                workers.get(1).close(); // goes silent: no leave, no heartbeats

                for (CoordinatorClient survivor : List.of(workers.get(0), workers.get(2))) {
                    long after = full.getGeneration();
                    Assignment a = survivor.awaitAssignment(x -> x.getGeneration() > after
                            && x.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING && x.getWorldSize() == 2, WAIT);
                    assertEquals(expectedRing.stream().map(Peer::getWorkerId).toList(),
                            a.getPeersList().stream().map(Peer::getWorkerId).toList());
                    assertEquals(expectedRing.stream().map(Peer::getDataPort).toList(),
                            a.getPeersList().stream().map(Peer::getDataPort).toList());
                }

                HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics"))
                                .timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, scrape.statusCode());
                assertTrue(scrape.body().contains("ringclip_coordinator_ring_size 2.0"), scrape.body());
                assertTrue(scrape.body().contains("ringclip_coordinator_evictions_total 1.0"), scrape.body());
                HttpResponse<String> health = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/healthz"))
                                .timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals("SERVING\n", health.body());
            } finally {
                workers.forEach(CoordinatorClient::close);
            }
        }
    }
}

package io.ringclip.coordinator.bench;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.WorkerInfo;
import io.ringclip.coordinator.client.AdminClient;
import io.ringclip.coordinator.client.ClientOptions;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.coordinator.client.JobClient;
import io.ringclip.coordinator.client.WorkerIdentity;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures, with real time on loopback TCP, how long after a worker's heartbeat deadline passes
 * the survivors hold their new assignment.
 *
 * <p>One trial: all {@code n} workers run at world size n; a random worker goes silent (its
 * client closes without leaving); right after, the admin API gives the age of its last heartbeat,
 * so its deadline is {@code t_query + timeout - age}. Each survivor's listener stamps the arrival
 * of the first assignment of a newer generation with world size n-1. Reported per trial:
 * <ul>
 *   <li>{@code detect_ms}: deadline passed → the last survivor has its new assignment (the
 *       coordinator's part: tick period + state machine + stream delivery);</li>
 *   <li>{@code silent_ms}: the victim went silent → the last survivor has it (includes the
 *       heartbeat timeout).</li>
 * </ul>
 * The victim then re-joins (the next generation restores world size n) before the next trial.
 *
 * <p>Usage: {@code FailoverBench [workers=4] [trials=20] [heartbeatTimeoutMs=3000] [tickMs=50]}
 */
public final class FailoverBench {

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final Logger QUIET = Logger.getLogger("io.ringclip");

    public static void main(String[] args) throws Exception {
        int workers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long timeoutMs = args.length > 2 ? Long.parseLong(args[2]) : 3000;
        long tickMs = args.length > 3 ? Long.parseLong(args[3]) : 50;
        QUIET.setLevel(Level.SEVERE); // evictions are the point here, not news

        CoordinatorConfig config = CoordinatorConfig.of(MembershipConfig.of(Duration.ofMillis(timeoutMs), Duration.ZERO, 1))
                .withTokens("bench-job", "bench-admin").withTickInterval(Duration.ofMillis(tickMs));
        double[] detectMs = new double[trials];
        double[] silentMs = new double[trials];
        try (CoordinatorServer server = CoordinatorServer.start(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()), config)) {
            String target = "127.0.0.1:" + server.port();
            try (JobClient jobs = JobClient.connect(target, "bench-job", Duration.ofSeconds(5))) {
                jobs.submit("failover-bench", "{}", "json", 2, 0, 1_000_000);
            }
            ClientOptions options = ClientOptions.defaults().withToken("bench-job").withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
            Map<String, Long> firstArrivalNs = new ConcurrentHashMap<>();
            long[] watchedGeneration = {Long.MAX_VALUE};
            CoordinatorClient[] clients = new CoordinatorClient[workers];
            for (int i = 0; i < workers; i++) {
                clients[i] = startWorker(target, i, options, firstArrivalNs, watchedGeneration, workers - 1);
            }
            try (AdminClient admin = AdminClient.connect(target, "bench-admin", Duration.ofSeconds(5))) {
                for (int t = 0; t < trials; t++) {
                    long generation = 0;
                    for (CoordinatorClient c : clients) {
                        generation = Math.max(generation, c.awaitAssignment(a -> a.getWorldSize() == workers
                                && a.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING, Duration.ofSeconds(30)).getGeneration());
                    }
                    long g = generation;
                    for (CoordinatorClient c : clients) {
                        c.awaitAssignment(a -> a.getGeneration() == g, Duration.ofSeconds(30));
                    }
                    firstArrivalNs.clear();
                    synchronized (watchedGeneration) {
                        watchedGeneration[0] = g;
                    }
                    int victim = ThreadLocalRandom.current().nextInt(workers);
                    String victimId = clients[victim].identity().workerId();
                    long silentNs = System.nanoTime();
                    clients[victim].close();
                    long queryNs = System.nanoTime();
                    WorkerInfo info = admin.listWorkers().getWorkersList().stream()
                            .filter(w -> w.getWorkerId().equals(victimId)).findFirst().orElseThrow();
                    long deadlineNs = queryNs + (timeoutMs - info.getLastHeartbeatAgeMs()) * 1_000_000L;
                    List<CoordinatorClient> survivors = new ArrayList<>();
                    for (int i = 0; i < workers; i++) {
                        if (i != victim) {
                            survivors.add(clients[i]);
                        }
                    }
                    for (CoordinatorClient s : survivors) {
                        s.awaitAssignment(a -> a.getGeneration() > g && a.getWorldSize() == workers - 1, Duration.ofSeconds(60));
                    }
                    // awaitAssignment can wake before the listener (same delivery) has stamped the arrival
                    long stampDeadlineNs = System.nanoTime() + 5_000_000_000L;
                    while (survivors.stream().anyMatch(s -> !firstArrivalNs.containsKey(s.identity().workerId()))) {
                        if (System.nanoTime() > stampDeadlineNs) {
                            throw new IllegalStateException("survivor listener never saw the new assignment: trial=" + t);
                        }
                        Thread.sleep(1);
                    }
                    long lastNs = survivors.stream().mapToLong(s -> firstArrivalNs.get(s.identity().workerId())).max().orElseThrow();
                    detectMs[t] = (lastNs - deadlineNs) / 1e6;
                    silentMs[t] = (lastNs - silentNs) / 1e6;
                    System.out.printf(Locale.ROOT, "trial=%d victim=%s generation=%d detect_ms=%.1f silent_ms=%.1f%n",
                            t, victimId, g, detectMs[t], silentMs[t]);
                    clients[victim] = startWorker(target, victim, options, firstArrivalNs, watchedGeneration, workers - 1);
                }
            } finally {
                for (CoordinatorClient c : clients) {
                    c.close();
                }
            }
        }
        System.out.printf(Locale.ROOT, "workers=%d trials=%d heartbeat_timeout_ms=%d heartbeat_interval_ms=%d tick_ms=%d%n",
                workers, trials, timeoutMs, timeoutMs / 3, tickMs);
        System.out.println("detect_ms (deadline passed -> last survivor reassigned): " + summary(detectMs));
        System.out.println("silent_ms (worker went silent -> last survivor reassigned): " + summary(silentMs));
    }

    private static CoordinatorClient startWorker(String target, int i, ClientOptions options, Map<String, Long> firstArrivalNs,
            long[] watchedGeneration, int survivorWorldSize) {
        String id = "bench-w" + i;
        CoordinatorClient c = CoordinatorClient.connect(target, new WorkerIdentity(id, "127.0.0.1", 29700 + i, Map.of()), options);
        c.start((Assignment a) -> {
            long now = System.nanoTime();
            long g;
            synchronized (watchedGeneration) {
                g = watchedGeneration[0];
            }
            if (a.getGeneration() > g && a.getWorldSize() == survivorWorldSize) {
                firstArrivalNs.putIfAbsent(id, now);
            }
        });
        return c;
    }

    private static String summary(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "min=%.1f p50=%.1f p90=%.1f max=%.1f mean=%.1f", s[0], pct(s, 0.5), pct(s, 0.9),
                s[s.length - 1], Arrays.stream(s).average().orElse(Double.NaN));
    }

    /** Nearest-rank percentile of sorted values. */
    private static double pct(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private FailoverBench() {}
}

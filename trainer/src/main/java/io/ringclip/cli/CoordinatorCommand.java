package io.ringclip.cli;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import io.ringclip.coordinator.server.MetricsHttpServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ringclip coordinator}: runs the gRPC coordinator (membership, launch, admin) until stopped. */
@Command(
        name = "coordinator",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Runs the coordinator: workers join it, it assigns ranks and publishes the ring, holds the job "
                        + "table (journaled with --journal) and serves the admin API, gRPC health and reflection.",
                "Stop it with Ctrl-C (SIGTERM): it shuts down gracefully."})
public final class CoordinatorCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7070", description = "gRPC port (all interfaces; 0 = any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "-1",
            description = "HTTP port of Prometheus /metrics and /healthz (-1 = off, 0 = any free port). Default: off")
    int metricsPort;

    @Option(names = "--journal", paramLabel = "DIR", description = "Directory of the job journal; without it jobs live in memory only.")
    Path journal;

    @Option(names = "--job-token", paramLabel = "TOKEN", defaultValue = "${env:RINGCLIP_JOB_TOKEN}",
            description = "Token for workers and job submission (env RINGCLIP_JOB_TOKEN). Without it those calls are open.")
    String jobToken;

    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:RINGCLIP_ADMIN_TOKEN}",
            description = "Token for the admin API (env RINGCLIP_ADMIN_TOKEN). Without it the admin API is disabled.")
    String adminToken;

    @Option(names = "--min-workers", paramLabel = "N", defaultValue = "1", description = "min_workers for jobs that leave it at 0. Default: ${DEFAULT-VALUE}")
    int minWorkers;

    @Option(names = "--heartbeat-timeout", paramLabel = "DURATION", defaultValue = "3s", converter = DurationConverter.class,
            description = "Evict a worker silent for longer than this (e.g. 3s, 500ms). Default: ${DEFAULT-VALUE}")
    Duration heartbeatTimeout;

    @Option(names = "--join-timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "After min_workers joined, wait this long for more before the first rendezvous of a job. Default: ${DEFAULT-VALUE}")
    Duration joinTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) { // one line per record
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        CoordinatorConfig config = CoordinatorConfig.of(MembershipConfig.of(heartbeatTimeout, joinTimeout, minWorkers))
                .withTokens(blankToNull(jobToken), blankToNull(adminToken))
                .withJournal(journal);
        PrintWriter out = spec.commandLine().getOut();
        CoordinatorServer server = CoordinatorServer.start(Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create()), config);
        MetricsHttpServer metrics = metricsPort < 0 ? null : MetricsHttpServer.start(new InetSocketAddress(metricsPort), server);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            if (metrics != null) {
                metrics.close();
            }
            server.close();
            stopped.countDown();
        }, "ringclip-coordinator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf("ringclip coordinator listening: port=%d, metrics=%s, journal=%s, job_token=%s, admin_api=%s, "
                        + "heartbeat_timeout=%s, join_timeout=%s, default_min_workers=%d%n",
                server.port(), metrics == null ? "off" : ":" + metrics.port() + "/metrics",
                journal == null ? "off (in memory)" : journal, config.jobToken() == null ? "none (open)" : "required",
                config.adminToken() == null ? "disabled" : "on", format(heartbeatTimeout), format(joinTimeout), minWorkers);
        out.flush();
        server.awaitTermination();
        stopped.await();
        return 0;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Parses {@code 250ms}, {@code 3s}, {@code 2m}, {@code 1h}, or an ISO-8601 duration ({@code PT3S}). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                if (v.startsWith("pt") || v.startsWith("p")) {
                    return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
                }
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> throw new NumberFormatException();
                };
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException("not a duration (use e.g. 500ms, 3s, 2m): value='" + value + "'");
            }
        }
    }
}

package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.ringclip.coordinator.client.ClientOptions;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.coordinator.client.WorkerIdentity;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ringclip admin …} against a real coordinator on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminCommandTest {

    @TempDir
    Path dir;

    private CoordinatorServer server;
    private String target;

    @BeforeEach
    void start() throws Exception {
        server = CoordinatorServer.start(Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()),
                CoordinatorConfig.of(MembershipConfig.of(Duration.ofSeconds(30), Duration.ZERO, 1)).withTokens("jt", "at"));
        target = "127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Run(int exitCode, String out, String err) {}

    private Run admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RingclipMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] full = new String[args.length + 5];
        full[0] = "admin";
        System.arraycopy(args, 0, full, 1, args.length);
        full[args.length + 1] = "--coordinator";
        full[args.length + 2] = target;
        full[args.length + 3] = "--admin-token";
        full[args.length + 4] = args.length > 0 && args[0].equals("--wrong") ? "nope" : "at";
        return new Run(cli.execute(full), out.toString(), err.toString());
    }

    @Test
    void shouldSubmitListAndSteerThroughTheAdminCli() throws Exception {
        Path spec = dir.resolve("tiny-clip.yaml");
        Files.writeString(spec, "model: tiny\nloss: clip\n");
        Run submitted = admin("submit", spec.toString(), "--steps", "50", "--min-workers", "1");
        assertEquals(0, submitted.exitCode(), submitted.err());
        assertTrue(submitted.out().contains("submitted job=tiny-clip-1"), submitted.out());

        try (CoordinatorClient worker = CoordinatorClient.connect(target, new WorkerIdentity("w1", "127.0.0.1", 29600, Map.of()),
                ClientOptions.defaults().withToken("jt"))) {
            worker.start(a -> {});
            worker.awaitRunning(Duration.ofSeconds(20));
            worker.reportProgress(3, 2.5, 99.0, Map.of());

            Run workers = admin("workers");
            assertEquals(0, workers.exitCode(), workers.err());
            assertTrue(workers.out().contains("WORKER"), workers.out());
            assertTrue(workers.out().lines().anyMatch(l -> l.startsWith("w1") && l.contains("ACTIVE") && l.contains("127.0.0.1:29600")),
                    workers.out());

            Run jobs = admin("jobs");
            assertTrue(jobs.out().lines().anyMatch(l -> l.startsWith("tiny-clip-1") && l.contains("RUNNING") && l.contains("3/50")
                    && l.contains("2.5000")), jobs.out());

            Run job = admin("job", "tiny-clip-1");
            assertTrue(job.out().contains("job=tiny-clip-1 state=RUNNING"), job.out());

            Run evicted = admin("evict", "w1");
            assertEquals(0, evicted.exitCode(), evicted.err());
            assertTrue(evicted.out().startsWith("evicted worker=w1 generation="), evicted.out());
        }
        Run stopped = admin("stop", "tiny-clip-1", "--reason", "test over");
        assertTrue(stopped.out().contains("state=STOPPED reason=stopped by admin: test over"), stopped.out());
    }

    @Test
    void shouldPrintAReadableErrorAndExitNonZero() {
        Run missing = admin("stop", "no-such-1");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("NOT_FOUND: unknown job: job_id=no-such-1"), missing.err());

        StringWriter err = new StringWriter();
        int code = new CommandLine(new RingclipMain()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute("admin", "workers", "--coordinator", target, "--admin-token", "wrong");
        assertEquals(1, code);
        assertTrue(err.toString().contains("PERMISSION_DENIED"), err.toString());
    }

    @Test
    void shouldParseDurations() {
        CoordinatorCommand.DurationConverter c = new CoordinatorCommand.DurationConverter();
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(3), c.convert("3s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
        assertEquals(Duration.ofSeconds(3), c.convert("PT3S"));
        assertThrows(CommandLine.TypeConversionException.class, () -> c.convert("soon"));
    }

    @Test
    void shouldShowCoordinatorHelp() {
        StringWriter out = new StringWriter();
        assertEquals(0, new CommandLine(new RingclipMain()).setOut(new PrintWriter(out)).execute("coordinator", "--help"));
        assertTrue(out.toString().contains("--heartbeat-timeout"), out.toString());
    }
}

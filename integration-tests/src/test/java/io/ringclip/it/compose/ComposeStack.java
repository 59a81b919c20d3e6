package io.ringclip.it.compose;

import io.ringclip.it.docker.RingclipImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * docker-compose.yml brought up exactly as a user does ({@code docker-compose up -d --scale
 * worker=N}, with docker-compose 1.29), under a project name of its own, on its own subnet and
 * free host ports so it cannot collide with another stack; {@code down -v} on close. The image is
 * already built (by {@link RingclipImage}), so compose neither builds nor pulls.
 */
final class ComposeStack implements AutoCloseable {

    static final String ADMIN_TOKEN = "it-compose-admin-token";
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final String project;
    private final Map<String, String> env;
    private final int grpcPort;
    private final Path logDir;

    private ComposeStack(String project, Map<String, String> env, int grpcPort) {
        this.project = project;
        this.env = env;
        this.grpcPort = grpcPort;
        this.logDir = Path.of("target", "cluster-logs", project);
    }

    static ComposeStack up(int workers) throws IOException, InterruptedException {
        String project = "ringclipit" + Long.toString(System.nanoTime() % 1_000_000, 36);
        int grpcPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("RINGCLIP_IMAGE", RingclipImage.NAME);
        env.put("RINGCLIP_JOB_TOKEN", "it-compose-job-token");
        env.put("RINGCLIP_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("RINGCLIP_GRPC_PORT", Integer.toString(grpcPort));
        env.put("RINGCLIP_METRICS_PORT", Integer.toString(freePort()));
        // 10.231.x.0/24: outside Docker's default pools and this machine's own networks.
        env.put("RINGCLIP_SUBNET", "10.231." + ThreadLocalRandom.current().nextInt(256) + ".0/24");
        ComposeStack stack = new ComposeStack(project, env, grpcPort);
        try {
            stack.compose("up", "-d", "--no-build", "--scale", "worker=" + workers);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    int grpcPort() {
        return grpcPort;
    }

    @Override
    public void close() {
        try {
            Files.createDirectories(logDir);
            compose(logDir.resolve("compose.log"), "logs", "--no-color");
        } catch (IOException | RuntimeException e) {
            // logs are a diagnostic only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            compose("down", "-v", "--timeout", "5");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void compose(String... args) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        compose(logDir.resolve("docker-compose-" + args[0] + ".log"), args);
    }

    private void compose(Path output, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", "docker-compose.yml"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(RingclipImage.repositoryRoot().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().putAll(env);
        pb.environment().put("DOCKER_BUILDKIT", "0");
        pb.environment().put("COMPOSE_DOCKER_CLI_BUILD", "0");
        Process p = pb.start();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("docker-compose timed out: args=" + List.of(args) + ", timeout=" + COMMAND_TIMEOUT
                    + ", output:\n" + Files.readString(output));
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("docker-compose failed: args=" + List.of(args) + ", exit=" + p.exitValue()
                    + ", output:\n" + Files.readString(output));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

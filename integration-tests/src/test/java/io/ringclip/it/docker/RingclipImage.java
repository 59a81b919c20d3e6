package io.ringclip.it.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * JUnit extension for container tests: skips the test class when no Docker daemon answers, and
 * otherwise builds the ringclip image once per test JVM with {@code deploy/build-image.sh} (base
 * image stand-in if needed, then {@code docker build} of the packaged distribution).
 *
 * <p>{@code RINGCLIP_REQUIRE_DOCKER=1} (set by {@code .ci/run}) turns the skip into a failure, so
 * CI cannot go green by silently skipping every container test. {@code RINGCLIP_IMAGE} names the
 * image (default {@code ringclip:local}); with {@code RINGCLIP_SKIP_IMAGE_BUILD=1} an image built
 * elsewhere is tested as it is.
 */
public final class RingclipImage implements ExecutionCondition, BeforeAllCallback {

    /** The image tag the tests run; the same default as deploy/build-image.sh and docker-compose.yml. */
    public static final String NAME = System.getenv().getOrDefault("RINGCLIP_IMAGE", "ringclip:local");

    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static boolean built; // guarded by RingclipImage.class

    /** Skips (reported as skipped, not passed) without a daemon, unless Docker is required. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable() || dockerRequired()) {
            return ConditionEvaluationResult.enabled("Docker daemon available (or required)");
        }
        return ConditionEvaluationResult.disabled("no Docker daemon answers: container tests skipped");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("no Docker daemon answers but RINGCLIP_REQUIRE_DOCKER=1"
                    + " (.ci/setup starts dockerd; see /tmp/ringclip-dockerd.log)");
        }
        buildOnce();
    }

    private static boolean dockerRequired() {
        return "1".equals(System.getenv("RINGCLIP_REQUIRE_DOCKER"));
    }

    /** The repository root (set by the pom as {@code ringclip.root}). */
    public static Path repositoryRoot() {
        String root = System.getProperty("ringclip.root");
        if (root == null) {
            throw new IllegalStateException("system property ringclip.root is not set (run the tests through Maven)");
        }
        return Path.of(root).toAbsolutePath().normalize();
    }

    private static synchronized void buildOnce() throws IOException, InterruptedException {
        if (built) {
            return;
        }
        if ("1".equals(System.getenv("RINGCLIP_SKIP_IMAGE_BUILD"))) {
            // Testing an image built elsewhere (RINGCLIP_IMAGE=…): it must exist, nothing is pulled.
            DockerClientFactory.instance().client().inspectImageCmd(NAME).exec();
            built = true;
            return;
        }
        Path root = repositoryRoot();
        Path log = Files.createTempFile("ringclip-build-image", ".log");
        Process build = new ProcessBuilder(List.of("bash", "deploy/build-image.sh"))
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            build.destroyForcibly();
            throw new IllegalStateException("deploy/build-image.sh timed out: timeout=" + BUILD_TIMEOUT
                    + ", log=" + log + "\n" + Files.readString(log));
        }
        if (build.exitValue() != 0) {
            throw new IllegalStateException("deploy/build-image.sh failed: exit=" + build.exitValue()
                    + ", log=" + log + "\n" + Files.readString(log));
        }
        built = true;
    }
}

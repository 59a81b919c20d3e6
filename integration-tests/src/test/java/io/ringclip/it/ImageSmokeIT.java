package io.ringclip.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.it.docker.RingclipImage;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;

/**
 * The image runs the CLI through its entrypoint, with the JVM flags the entrypoint promises, and
 * its Java runtime can train.
 */
@ExtendWith(RingclipImage.class)
@Timeout(300)
class ImageSmokeIT {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TRAIN_TIMEOUT = Duration.ofMinutes(4);
    private static final long MEMORY_LIMIT_BYTES = 512L << 20;

    @Test
    void shouldPrintTheVersionOnJava25() {
        String out = runToCompletion(c -> c.withCommand("--version"));
        assertTrue(out.contains("ringclip ") && out.contains("Java 25"), () -> "output:\n" + out);
    }

    @Test
    void shouldPrintUsageForHelp() {
        String out = runToCompletion(c -> c.withCommand("--help"));
        assertTrue(out.contains("Usage: ringclip"), () -> "output:\n" + out);
    }

    @Test
    void shouldSizeTheHeapFromTheContainerMemoryLimit() {
        String out = runToCompletion(c -> c
                .withEnv("RINGCLIP_JAVA_OPTS", "-XX:+PrintCommandLineFlags")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withMemory(MEMORY_LIMIT_BYTES))
                .withCommand("--version"));
        long expectedMaxHeap = MEMORY_LIMIT_BYTES * 75 / 100; // entrypoint: MaxRAMPercentage=75
        assertTrue(out.contains("-XX:MaxHeapSize=" + expectedMaxHeap), () -> "output:\n" + out);
        assertTrue(out.contains("-XX:+UseParallelGC"), () -> "output:\n" + out);
        assertTrue(out.contains("-XX:+ExitOnOutOfMemoryError"), () -> "output:\n" + out);
    }

    /**
     * The image's runtime has every module training needs (image decoding uses java.desktop, the
     * kernels the Vector API): two real steps of the tiny model in simulation mode, then the eval.
     */
    @Test
    void shouldTrainInSimulationModeInsideTheContainer() {
        String out = runToCompletion(TRAIN_TIMEOUT, c -> c.withCommand(
                "train", "--workers=1", "--steps=2", "--batch=4", "--out=/tmp/run"));
        assertTrue(out.contains("done: 2 steps"), () -> "output:\n" + out);
        assertTrue(out.contains("final zero-shot accuracy"), () -> "output:\n" + out);
    }

    private static String runToCompletion(UnaryOperator<GenericContainer<?>> settings) {
        return runToCompletion(RUN_TIMEOUT, settings);
    }

    /** Runs the image once with the given settings and returns stdout + stderr. */
    private static String runToCompletion(Duration timeout, UnaryOperator<GenericContainer<?>> settings) {
        try (GenericContainer<?> container = settings.apply(new GenericContainer<>(RingclipImage.NAME)
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(timeout)))) {
            container.start();
            return container.getLogs();
        }
    }
}

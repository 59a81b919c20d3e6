package io.ringclip.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code ringclip} CLI process ({@code java -jar trainer/target/ringclip.jar …}) for the
 * loopback tests: stdout and stderr go to a log file the test reads and prints on failure;
 * {@link #kill()} is SIGKILL ({@code destroyForcibly} on Linux), so nothing gets to clean up.
 */
final class RingclipProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private RingclipProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code ringclip args…} with a small heap; its output goes to {@code logDir/name.log} (appended). */
    static RingclipProcess start(String name, Path logDir, String maxHeap, List<String> args) throws IOException {
        String root = System.getProperty("ringclip.root");
        if (root == null) {
            throw new IllegalStateException("system property ringclip.root is not set (run the tests through Maven)");
        }
        Path jar = Path.of(root, "trainer", "target", "ringclip.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("distribution missing, run `package` first: jar=" + jar);
        }
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx" + maxHeap, "-XX:+UseSerialGC",
                "-jar", jar.toString()));
        cmd.addAll(args);
        Path log = logDir.resolve(name + ".log");
        Files.writeString(log, "$ " + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new RingclipProcess(name, p, log);
    }

    String name() {
        return name;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> logLines(String containing) {
        return log().lines().filter(l -> l.contains(containing)).toList();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, then waits (bounded) until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("process survived SIGKILL for 20 s: name=" + name);
        }
    }

    /** Waits for the exit code; AssertionError if still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process still running: name=" + name + ", timeout=" + timeout);
        }
        return process.exitValue();
    }

    /** The log framed for a failure report. */
    String dump() {
        return "\n===== " + name + " (" + (process.isAlive() ? "running" : "exit " + process.exitValue()) + ") " + log + " =====\n" + log();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A loopback TCP port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}

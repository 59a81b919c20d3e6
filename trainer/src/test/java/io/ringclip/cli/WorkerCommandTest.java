package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class WorkerCommandTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new RingclipMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void shouldDescribeItselfInHelp() {
        StringWriter out = new StringWriter();
        assertEquals(0, run(out, new StringWriter(), "worker", "--help"));
        assertTrue(out.toString().contains("--coordinator=HOST:PORT"), out.toString());
        assertTrue(out.toString().contains("--generation-timeout"), out.toString());
    }

    @Test
    void shouldRejectABadWorkerIdWithExitCode2BeforeTouchingTheNetwork() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "worker", "--coordinator", "127.0.0.1:1", "--worker-id", "bad id!"));
        assertTrue(err.toString().contains("worker id must match [A-Za-z0-9._-]{1,128}: workerId=bad id!"), err.toString());
    }

    @Test
    void shouldRequireTheCoordinator() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "worker", "--token", "t"));
        assertTrue(err.toString().contains("--coordinator"), err.toString());
    }
}

package io.ringclip.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final long SECOND_NS = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clockNs = new AtomicLong();

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintPlainLinesOnlyEveryIntervalAndAlwaysTheLastStep() {
        try (ProgressLine progress = new ProgressLine(out, false, 100, Duration.ofSeconds(10), clockNs::get)) {
            for (int step = 1; step <= 100; step++) {
                clockNs.set(step * SECOND_NS); // one step per second
                progress.update(step, 1.0, 32);
            }
        }
        String[] lines = output().split("\n");
        // step 1, then every 10 s (11, 21, …, 91), then the final step 100.
        assertEquals(11, lines.length);
        assertEquals("step 11/100 (11.0%)  loss 1.0000  32.0 samples/s  ETA 1m29s", lines[1]);
        assertTrue(lines[10].startsWith("step 100/100 (100.0%)"), lines[10]);
        assertTrue(lines[10].endsWith("ETA 0s"), lines[10]);
        assertTrue(!output().contains("\r"));
    }

    @Test
    void shouldRedrawInPlaceOnATerminal() {
        try (ProgressLine progress = new ProgressLine(out, true, 10, Duration.ofSeconds(10), clockNs::get)) {
            progress.update(1, 12.5, 100);
            clockNs.addAndGet(10_000_000); // 10 ms later: throttled
            progress.update(2, 2.0, 100);
            clockNs.addAndGet(2 * SECOND_NS);
            progress.update(3, 1.25, 100);
            progress.message("eval: zero_shot_top1=0.5");
        }
        String text = output();
        assertEquals(4, text.chars().filter(c -> c == '\r').count()); // 2 redraws + clear-and-return for the message
        assertTrue(text.startsWith("\rstep 1/10 (10.0%)  loss 12.5000  100.0 samples/s  ETA --"), text);
        assertTrue(text.contains("\rstep 3/10 (30.0%)  loss 1.2500"), text);
        assertTrue(!text.contains("step 2/10"), "throttled update printed");
        assertTrue(text.contains("eval: zero_shot_top1=0.5\n"));
    }

    @Test
    void shouldFormatDurationsCompactly() {
        assertEquals("59s", ProgressLine.formatDuration(Duration.ofSeconds(59)));
        assertEquals("2m05s", ProgressLine.formatDuration(Duration.ofSeconds(125)));
        assertEquals("3h07m", ProgressLine.formatDuration(Duration.ofMinutes(187)));
    }
}

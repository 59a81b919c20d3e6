package io.ringclip.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.report.MetricsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecorderTest {

    @TempDir
    Path out;

    /** A step of {@code samples} global samples taking {@code stepMs}, {@code waitMs} of it blocked on gradient sync. */
    private static StepResult step(int i, long samples, long stepMs, long waitMs) {
        return new StepResult(i, 2.0 - 0.1 * i, 1e-3, 1.0, 1.0, false, samples, (stepMs - waitMs) * 1_000_000L,
                waitMs * 1_000_000L, stepMs * 1_000_000L);
    }

    @Test
    void shouldComputeThroughputAndCommWaitShareFromStepTimes() {
        try (RunRecorder r = new RunRecorder(out)) {
            r.stepDone(step(0, 64, 400, 100)); // 160 samples/s, 25 % waiting
            r.stepDone(step(1, 64, 200, 0));   // 320 samples/s
            assertEquals(128 * 1e3 / 600, r.samplesPerSecond(), 1e-9);
            assertEquals(100.0 / 600, r.commWaitShare(), 1e-12);
            assertEquals(128 * 1e3 / 600, r.windowSamplesPerSecond(), 1e-9);
            assertEquals(2, r.steps());
        }
    }

    @Test
    void shouldForgetStepsOlderThanTheWindowInTheWindowRate() {
        try (RunRecorder r = new RunRecorder(out)) {
            r.stepDone(step(0, 64, 10_000, 0)); // a slow warm-up step
            for (int i = 1; i <= RunRecorder.WINDOW; i++) {
                r.stepDone(step(i, 64, 100, 10));
            }
            assertEquals(640.0, r.windowSamplesPerSecond(), 1e-9);
            assertTrue(r.samplesPerSecond() < 640.0, "the whole-run mean still includes the warm-up");
        }
    }

    @Test
    void shouldWriteOneLinePerStepWithTheCommWaitAndRenderTheReport() throws Exception {
        TrainConfig cfg = TrainConfig.builder().steps(2).outDir(out.toString()).overlap(false).bucketMb(2).build();
        RunRecorder r = new RunRecorder(out);
        r.stepDone(step(0, 64, 400, 100));
        r.stepDone(step(1, 64, 200, 0));
        assertTrue(r.writeReport(cfg, 2));
        List<Map<String, Object>> lines = MetricsReader.read(r.metricsFile());
        assertEquals(2, lines.size());
        assertEquals(100.0, ((Number) lines.get(0).get("comm_wait_ms")).doubleValue(), 1e-9);
        assertEquals(400.0, ((Number) lines.get(0).get("step_ms")).doubleValue(), 1e-9);
        assertEquals(64, ((Number) lines.get(1).get("samples")).intValue());
        String html = Files.readString(r.reportFile());
        assertTrue(html.contains("buckets of 2.0 MiB, after backward"), "the report names the sync settings");
    }

    @Test
    void shouldLeaveNoFilesWhenNothingWasRecorded() {
        TrainConfig cfg = TrainConfig.builder().steps(2).outDir(out.toString()).build();
        RunRecorder r = new RunRecorder(out);
        assertFalse(r.writeReport(cfg, 2));
        assertFalse(Files.exists(r.metricsFile()));
        assertFalse(Files.exists(r.reportFile()));
    }
}

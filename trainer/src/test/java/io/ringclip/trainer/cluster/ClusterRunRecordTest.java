package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.trainer.loop.RunRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster job records what simulation mode records: rank 0 writes metrics.jsonl (with the
 * step's comm wait) and report.html into its run dir, the other rank writes neither, the job spec's
 * {@code overlap} reaches the workers, and a normal end logs no error from comm.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterRunRecordTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void shouldWriteMetricsAndReportOnRankZeroAndEndWithoutCommErrors() throws Exception {
        Logger commLogger = Logger.getLogger("io.ringclip.comm"); // held: JUL keeps loggers weakly
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        commLogger.addHandler(handler);
        try (TestCoordinator coord = new TestCoordinator(tmp, Duration.ofSeconds(5))) {
            int steps = 4;
            String jobId = coord.submitTinyJob("record", steps, 2, 2, "overlap: false\nbucket-mb: 0.5\n").getJobId();
            CompletableFuture<ClusterWorker.Result> a = coord.startWorker("w-a");
            CompletableFuture<ClusterWorker.Result> b = coord.startWorker("w-b");
            a.get(90, TimeUnit.SECONDS);
            b.get(90, TimeUnit.SECONDS);
            assertEquals(JobState.JOB_STATE_FINISHED, coord.job(jobId).getState());

            List<Path> metricsFiles = new ArrayList<>();
            for (String w : List.of("w-a", "w-b")) {
                Path f = tmp.resolve(w).resolve(jobId).resolve(RunRecorder.METRICS_FILE);
                if (Files.exists(f)) {
                    metricsFiles.add(f);
                }
            }
            assertEquals(1, metricsFiles.size(), "only rank 0 records: " + metricsFiles);
            Path runDir = metricsFiles.getFirst().getParent();
            List<JsonNode> train = new ArrayList<>();
            for (String line : Files.readAllLines(metricsFiles.getFirst())) {
                JsonNode n = JSON.readTree(line);
                if (n.get("type").asText().equals("train")) {
                    train.add(n);
                }
            }
            assertEquals(steps, train.size());
            for (JsonNode n : train) {
                assertEquals(2 * 4, n.get("samples").asLong(), "global samples of a step");
                double stepMs = n.get("step_ms").asDouble();
                double waitMs = n.get("comm_wait_ms").asDouble();
                assertTrue(stepMs > 0 && waitMs >= 0 && waitMs <= stepMs, n.toString());
                assertTrue(n.get("samples_per_second").asDouble() > 0, n.toString());
            }
            String report = Files.readString(runDir.resolve(RunRecorder.REPORT_FILE));
            assertTrue(report.contains("buckets of 0.5 MiB, after backward"), "the job spec's overlap reached the workers");
            assertTrue(coord.logLines().stream().anyMatch(l -> l.contains("finished:") && l.contains("comm_wait_share=")),
                    "rank 0 logs its samples/s and comm-wait share");
            assertTrue(coord.logLines().stream().anyMatch(l -> l.contains("comm_wait ")), "step lines show the comm wait");
        } finally {
            commLogger.removeHandler(handler);
        }
        assertTrue(errors.isEmpty(), () -> "a normal job end must not log errors from comm: "
                + errors.stream().map(LogRecord::getMessage).toList());
    }
}

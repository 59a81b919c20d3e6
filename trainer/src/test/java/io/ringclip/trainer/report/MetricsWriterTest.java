package io.ringclip.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.eval.RetrievalRecall;
import io.ringclip.trainer.eval.TopKAccuracy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsWriterTest {

    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldRoundTripTrainingAndEvalRecordsLineByLine() throws IOException {
        Path file = dir.resolve("run/metrics.jsonl");
        try (MetricsWriter writer = MetricsWriter.open(file, CLOCK)) {
            writer.writeTraining(new TrainingMetrics(1, 2.5, 400.25, 5e-4, 65536, Map.of("grad_norm", 1.75)));
            writer.writeTraining(new TrainingMetrics(2, Double.NaN, 401, 5e-4, 32768));
            // Flushed per line: readable before close.
            assertEquals(2, Files.readAllLines(file).size());
            writer.writeEval(2, new EvalResult(new TopKAccuracy(100, 0.42, 0.9),
                    new RetrievalRecall(100, 0.1, 0.3, 0.5, 0.2, 0.4, 0.6)));
        }

        List<String> lines = Files.readAllLines(file);
        assertEquals("{\"type\":\"train\",\"step\":1,\"time\":\"2026-11-28T18:00:00Z\",\"loss\":2.5,"
                + "\"samples_per_second\":400.25,\"lr\":5.0E-4,\"loss_scale\":65536.0,\"grad_norm\":1.75}", lines.get(0));

        List<Map<String, Object>> records = MetricsReader.read(file);
        assertEquals(3, records.size());
        assertEquals(2.5, MetricsReader.number(records.get(0), "loss"));
        assertEquals(1.75, MetricsReader.number(records.get(0), "grad_norm"));
        assertTrue(Double.isNaN(MetricsReader.number(records.get(1), "loss")));
        assertEquals(32768.0, MetricsReader.number(records.get(1), "loss_scale"));
        Map<String, Object> eval = records.get(2);
        assertEquals("eval", eval.get("type"));
        assertEquals(2.0, MetricsReader.number(eval, "step"));
        assertEquals(0.42, MetricsReader.number(eval, "zero_shot_top1"));
        assertEquals(0.9, MetricsReader.number(eval, "zero_shot_top5"));
        assertEquals(0.15, MetricsReader.number(eval, "recall_at_1"), 1e-12);
        assertEquals(0.35, MetricsReader.number(eval, "recall_at_5"), 1e-12);
        assertEquals(0.55, MetricsReader.number(eval, "recall_at_10"), 1e-12);
        assertEquals(0.6, MetricsReader.number(eval, "text_to_image_recall_at_10"));
    }

    @Test
    void shouldAppendOnReopenAndSkipATruncatedLastLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsWriter writer = MetricsWriter.open(file, CLOCK)) {
            writer.writeTraining(new TrainingMetrics(1, 1.0, 10, 1e-3, 1));
        }
        try (MetricsWriter writer = MetricsWriter.open(file, CLOCK)) {
            writer.writeTraining(new TrainingMetrics(2, 0.9, 10, 1e-3, 1));
        }
        Files.writeString(file, "{\"type\":\"train\",\"step\":3,\"lo", StandardOpenOption.APPEND); // killed mid-write
        List<Map<String, Object>> records = MetricsReader.read(file);
        assertEquals(2, records.size());
        assertEquals(0.9, MetricsReader.number(records.get(1), "loss"));
    }
}

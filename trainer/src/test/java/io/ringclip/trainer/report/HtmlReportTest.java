package io.ringclip.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.eval.RetrievalRecall;
import io.ringclip.trainer.eval.TopKAccuracy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteASelfContainedReportWithOneSvgPathPerCurve() throws IOException {
        Path metrics = dir.resolve("metrics.jsonl");
        try (MetricsWriter writer = MetricsWriter.open(metrics)) {
            for (int step = 1; step <= 60; step++) {
                double loss = step == 30 ? Double.POSITIVE_INFINITY : 3.0 / step;
                writer.writeTraining(new TrainingMetrics(step, loss, 100 + step, 1e-3, 65536));
                if (step % 20 == 0) {
                    writer.writeEval(step, new EvalResult(new TopKAccuracy(50, step / 100.0, step / 70.0),
                            new RetrievalRecall(50, 0.1, 0.2, 0.3, 0.1, 0.2, 0.3)));
                }
            }
        }
        Map<String, String> runInfo = new LinkedHashMap<>();
        runInfo.put("model", "tiny <clip>");
        runInfo.put("workers", "2");
        Path report = dir.resolve("out/report.html");

        HtmlReport.write(metrics, report, runInfo);

        String html = Files.readString(report);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("http://"), "external reference");
        assertFalse(html.contains("https://"), "external reference");
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link"));
        assertEquals(5, count(html, "<svg "));
        // loss + smoothed loss, 5 eval curves, throughput, lr, loss scale
        Matcher series = Pattern.compile("<path class=\"series\"[^>]* d=\"(M[^\"]*)\"").matcher(html);
        int paths = 0;
        while (series.find()) {
            paths++;
            assertTrue(series.group(1).matches("M-?[0-9.]+,-?[0-9.]+( L-?[0-9.]+,-?[0-9.]+)*"), series.group(1));
        }
        assertEquals(10, paths);
        assertTrue(html.contains("<th>model</th><td>tiny &lt;clip&gt;</td>"), "escaped run info");
        assertTrue(html.contains("<th>non-finite losses (skipped steps)</th><td>1</td>"));
        assertTrue(html.contains("<th>best zero-shot top-1</th><td>0.6 (step 60)</td>"));
        assertFalse(Files.exists(dir.resolve("out/report.html.tmp")));
    }

    @Test
    void shouldMapDataToPixelsAndDownsampleLongSeries() {
        SvgChart.Axis x = new SvgChart.Axis(0, 10, 64, 624);
        SvgChart.Axis y = new SvgChart.Axis(0, 1, 260, 28);
        SvgChart.Series line = new SvgChart.Series("s", new double[] {0, 5, 10}, new double[] {0, 0.5, 1});
        assertEquals("M64.0,260.0 L344.0,144.0 L624.0,28.0", SvgChart.pathData(line, x, y));
        assertEquals(List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0), x.ticks());

        int n = 2500;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i;
            ys[i] = 2 * i;
        }
        SvgChart.Series small = SvgChart.downsample(new SvgChart.Series("big", xs, ys));
        assertEquals(SvgChart.MAX_POINTS, small.xs().length);
        assertEquals(0.5, small.xs()[0], 1e-9); // bucket 0 = points [0, 2500/1000) = {0, 1}
        assertEquals(3.0, small.xs()[1], 1e-9); // bucket 1 = points [2, 5) = {2, 3, 4}
        assertEquals(2 * small.xs()[500], small.ys()[500], 1e-9);
    }

    @Test
    void shouldLetAResumedRunSupersedeStepsItLoggedBefore() {
        List<Map<String, Object>> records = List.of(
                Map.of("type", "train", "step", 1, "loss", 3.0),
                Map.of("type", "train", "step", 2, "loss", 2.0),
                Map.of("type", "train", "step", 3, "loss", 1.5), // logged, then the run crashed
                Map.of("type", "eval", "step", 2, "zero_shot_top1", 0.5),
                Map.of("type", "train", "step", 2, "loss", 2.1), // resumed from the step-1 checkpoint
                Map.of("type", "train", "step", 3, "loss", 1.6));
        SvgChart.Series loss = HtmlReport.series(records, "train", "loss", "loss");
        assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(loss.xs()).boxed().toList());
        assertEquals(List.of(3.0, 2.1, 1.6), java.util.Arrays.stream(loss.ys()).boxed().toList());
        assertEquals(1, HtmlReport.series(records, "eval", "zero_shot_top1", "top1").xs().length);
    }

    @Test
    void shouldRenderAnEmptyRunWithoutFailing() throws IOException {
        Path metrics = Files.writeString(dir.resolve("metrics.jsonl"), "");
        Path report = dir.resolve("report.html");
        HtmlReport.write(metrics, report, Map.of());
        assertTrue(Files.readString(report).contains("no data"));
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            count++;
        }
        return count;
    }
}

package io.ringclip.trainer.loop;

import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.report.HtmlReport;
import io.ringclip.trainer.report.MetricsWriter;
import io.ringclip.trainer.report.TrainingMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What rank 0 records about a run, the same in simulation mode and on a cluster: one JSON line per
 * step and per eval in {@code OUT/metrics.jsonl}, the run's throughput and communication share, and
 * {@code OUT/report.html} at the end. The console side ({@link ConsoleObserver}, the cluster's
 * observer) reads its numbers from here.
 *
 * <p>Definitions (rank 0's clock):
 * <ul>
 *   <li>samples/s of a step window = global samples of the last {@value #WINDOW} steps / their summed step time;
 *   <li>comm-wait share = time the step blocked in the gradient sync after its backward finished
 *       ({@link StepResult#commWaitNanos()}: allreduce work that did not overlap backward, plus
 *       waiting for slower ranks) / step time. The loss's feature all-gather and the one-float
 *       found-inf allreduce are not counted.
 * </ul>
 *
 * <p>The metrics file is opened at the first record, so a cluster worker that is never rank 0
 * leaves no empty file behind. Called on the training thread only.
 */
public final class RunRecorder implements RunObserver, AutoCloseable {

    static final int WINDOW = 10;
    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String REPORT_FILE = "report.html";

    private final Path outDir;
    private final long[] windowNanos = new long[WINDOW];
    private final long[] windowSamples = new long[WINDOW];
    private MetricsWriter metrics;
    private long steps;
    private long commWaitNanos;
    private long stepNanos;
    private long samples;
    private double windowSamplesPerSecond;

    public RunRecorder(Path outDir) {
        this.outDir = outDir;
    }

    public Path metricsFile() {
        return outDir.resolve(METRICS_FILE);
    }

    public Path reportFile() {
        return outDir.resolve(REPORT_FILE);
    }

    @Override
    public void stepDone(StepResult r) {
        int slot = (int) (steps % WINDOW);
        windowNanos[slot] = r.totalNanos();
        windowSamples[slot] = r.samples();
        steps++;
        commWaitNanos += r.commWaitNanos();
        stepNanos += r.totalNanos();
        samples += r.samples();
        long n = 0;
        long s = 0;
        for (int i = 0; i < Math.min(steps, WINDOW); i++) {
            n += windowNanos[i];
            s += windowSamples[i];
        }
        windowSamplesPerSecond = n == 0 ? 0 : s * 1e9 / n;
        Map<String, Number> extra = new LinkedHashMap<>();
        extra.put("grad_norm", r.gradNorm());
        extra.put("skipped", r.skipped() ? 1 : 0);
        extra.put("samples", r.samples());
        extra.put("comm_wait_ms", r.commWaitNanos() / 1e6);
        extra.put("step_ms", r.totalNanos() / 1e6);
        writer().writeTraining(new TrainingMetrics(r.step() + 1, r.loss(), windowSamplesPerSecond, r.lr(), r.lossScale(), extra));
    }

    @Override
    public void evalDone(int step, EvalResult result) {
        writer().writeEval(step, result);
    }

    /** Samples/s over the last {@value #WINDOW} steps, as of the last {@link #stepDone}. */
    public double windowSamplesPerSecond() {
        return windowSamplesPerSecond;
    }

    /** Mean samples/s over every recorded step (rank 0's step time). */
    public double samplesPerSecond() {
        return stepNanos == 0 ? 0 : samples * 1e9 / stepNanos;
    }

    /** Share of rank 0's step time spent blocked on the gradient sync, over every recorded step. */
    public double commWaitShare() {
        return stepNanos == 0 ? 0 : (double) commWaitNanos / stepNanos;
    }

    /** Steps recorded by this process (a cluster worker records only while it is rank 0). */
    public long steps() {
        return steps;
    }

    /**
     * Closes the metrics file and renders {@code report.html} from it (the whole file: a resumed
     * run's report covers the earlier part too). Does nothing if there is no metrics file.
     *
     * @param worldSize the world size to show (the cluster's may have changed during the run)
     * @return whether a report was written
     */
    public boolean writeReport(TrainConfig cfg, int worldSize) {
        close();
        if (!Files.isRegularFile(metricsFile())) {
            return false;
        }
        Map<String, String> info = new LinkedHashMap<>();
        info.put("model", cfg.model());
        info.put("loss", cfg.loss().name().toLowerCase(Locale.ROOT));
        info.put("precision", cfg.precision().name().toLowerCase(Locale.ROOT));
        info.put("data", cfg.data());
        info.put("workers", String.valueOf(worldSize));
        info.put("batch per worker", String.valueOf(cfg.batchPerWorker()));
        info.put("steps", String.valueOf(cfg.steps()));
        info.put("lr", String.valueOf(cfg.lr()));
        info.put("seed", String.valueOf(cfg.seed()));
        info.put("gradient sync", String.format(Locale.ROOT, "buckets of %s MiB, %s", cfg.bucketMb(),
                cfg.overlap() ? "launched during backward" : "after backward"));
        info.put("comm wait (this process as rank 0)", String.format(Locale.ROOT, "%.1f%% of step time", 100 * commWaitShare()));
        HtmlReport.write(metricsFile(), reportFile(), info);
        return true;
    }

    private MetricsWriter writer() {
        if (metrics == null) {
            metrics = MetricsWriter.open(metricsFile());
        }
        return metrics;
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }
}

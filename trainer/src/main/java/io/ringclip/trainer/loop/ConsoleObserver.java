package io.ringclip.trainer.loop;

import io.ringclip.models.model.ModelConfig;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.report.MetricsWriter;
import io.ringclip.trainer.report.ProgressLine;
import io.ringclip.trainer.report.TrainingMetrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The run's output: a live progress line (step, loss, samples/s, ETA) on the console and one
 * JSON line per step (and per eval) in {@code metrics.jsonl}. Samples/s is measured over the last
 * {@value #WINDOW} steps of rank 0's wall time; the communication share is rank 0's time blocked
 * on the gradient allreduce over its step time.
 */
public final class ConsoleObserver implements RunObserver, AutoCloseable {

    static final int WINDOW = 10;

    private final MetricsWriter metrics;
    private final ProgressLine progress;
    private final long[] windowNanos = new long[WINDOW];
    private final long[] windowSamples = new long[WINDOW];
    private long steps;
    private long commWaitNanos;
    private long stepNanos;
    private long samples;
    private long startNanos = System.nanoTime();

    public ConsoleObserver(MetricsWriter metrics, ProgressLine progress) {
        this.metrics = metrics;
        this.progress = progress;
    }

    @Override
    public void started(TrainConfig cfg, String data, ModelConfig model, int parameters, int worldSize) {
        progress.message(String.format(Locale.ROOT,
                "ringclip train: model=%s (%.2f M params) loss=%s precision=%s workers=%d batch=%d×%d data=%s steps=%d out=%s",
                cfg.model(), parameters / 1e6, cfg.loss().name().toLowerCase(Locale.ROOT),
                cfg.precision().name().toLowerCase(Locale.ROOT), worldSize, worldSize, cfg.batchPerWorker(), data,
                cfg.steps(), cfg.outDir()));
        startNanos = System.nanoTime();
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
        double samplesPerSecond = n == 0 ? 0 : s * 1e9 / n;
        Map<String, Number> extra = new LinkedHashMap<>();
        extra.put("grad_norm", r.gradNorm());
        extra.put("skipped", r.skipped() ? 1 : 0);
        extra.put("comm_wait_ms", r.commWaitNanos() / 1e6);
        extra.put("step_ms", r.totalNanos() / 1e6);
        metrics.writeTraining(new TrainingMetrics(r.step() + 1, r.loss(), samplesPerSecond, r.lr(), r.lossScale(), extra));
        progress.update(r.step() + 1, r.loss(), samplesPerSecond);
    }

    @Override
    public void evalDone(int step, EvalResult result) {
        metrics.writeEval(step, result);
        StringBuilder sb = new StringBuilder("eval step ").append(step).append(':');
        if (result.zeroShot() != null) {
            sb.append(String.format(Locale.ROOT, " zero-shot top1 %.2f%% top5 %.2f%% (%d images)",
                    100 * result.zeroShot().top1(), 100 * result.zeroShot().top5(), result.zeroShot().samples()));
        }
        if (result.retrieval() != null) {
            sb.append(String.format(Locale.ROOT, "  retrieval R@1 %.2f%% R@5 %.2f%% R@10 %.2f%%",
                    100 * result.retrieval().meanAt(1), 100 * result.retrieval().meanAt(5), 100 * result.retrieval().meanAt(10)));
        }
        progress.message(sb.toString());
    }

    @Override
    public void message(String text) {
        progress.message(text);
    }

    /** Mean samples/s over the whole run (rank 0's step time). */
    public double samplesPerSecond() {
        return stepNanos == 0 ? 0 : samples * 1e9 / stepNanos;
    }

    /** Share of rank 0's step time spent blocked on the gradient allreduce. */
    public double commWaitShare() {
        return stepNanos == 0 ? 0 : (double) commWaitNanos / stepNanos;
    }

    public long wallNanos() {
        return System.nanoTime() - startNanos;
    }

    @Override
    public void close() {
        progress.close();
        metrics.close();
    }
}

package io.ringclip.trainer.cluster;

import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.loop.RunObserver;
import io.ringclip.trainer.loop.RunRecorder;
import io.ringclip.trainer.loop.StepResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the current rank 0 of a cluster job reports: a console line per step (at most one per
 * {@code printIntervalMs}: loss, samples/s, share of the step spent waiting on gradient sync),
 * every step's progress to the coordinator (step = completed steps, global loss, global samples/s,
 * eval metrics), which keeps the job's history, and the run's {@code metrics.jsonl} through the
 * same {@link RunRecorder} simulation mode uses (the report is rendered at the end by the worker).
 *
 * <p>Reports go out on their own thread with a short queue: a slow or restarting coordinator
 * drops progress points, it never stalls training.
 */
final class ClusterObserver implements RunObserver, AutoCloseable {

    private final CoordinatorClient client;
    private final Consumer<String> log;
    private final ClusterStateSync sync;
    private final RunRecorder recorder;
    private final long printIntervalMs;
    private final ThreadPoolExecutor reporter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(16), r -> {
                Thread t = new Thread(r, "ringclip-progress-reporter");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardOldestPolicy());
    private long lastPrintMs;
    private double lastLoss = Double.NaN;
    private double lastSamplesPerSecond;

    ClusterObserver(CoordinatorClient client, ClusterStateSync sync, RunRecorder recorder, long printIntervalMs, Consumer<String> log) {
        this.client = client;
        this.sync = sync;
        this.recorder = recorder;
        this.printIntervalMs = printIntervalMs;
        this.log = log;
    }

    @Override
    public void started(TrainConfig cfg, String data, ModelConfig model, int parameters, int worldSize) {
        log.accept(String.format(Locale.ROOT, "training: model=%s, loss=%s, precision=%s, data=%s, parameters=%d, world_size=%d, "
                        + "batch_per_worker=%d, steps=%d, bucket_mb=%s, overlap=%s", cfg.model(), cfg.loss(), cfg.precision(), data,
                parameters, worldSize, cfg.batchPerWorker(), cfg.steps(), cfg.bucketMb(), cfg.overlap()));
    }

    @Override
    public void stepDone(StepResult r) {
        sync.stepCompleted(r.step());
        recorder.stepDone(r);
        long done = r.step() + 1L;
        double samplesPerSecond = recorder.windowSamplesPerSecond();
        long now = System.currentTimeMillis();
        if (now - lastPrintMs >= printIntervalMs) {
            lastPrintMs = now;
            double commWait = r.totalNanos() > 0 ? 100.0 * r.commWaitNanos() / r.totalNanos() : 0;
            log.accept(String.format(Locale.ROOT, "step %d loss %.4f samples/s %.1f comm_wait %.1f%% lr %.2e%s", done, r.loss(),
                    samplesPerSecond, commWait, r.lr(), r.skipped() ? " (skipped: inf/nan)" : ""));
        }
        if (Double.isFinite(r.loss())) {
            lastLoss = r.loss();
            lastSamplesPerSecond = samplesPerSecond;
            report(done, r.loss(), samplesPerSecond, Map.of());
        }
    }

    @Override
    public void evalDone(int step, EvalResult result) {
        recorder.evalDone(step, result);
        Map<String, Double> eval = new LinkedHashMap<>();
        result.toMetrics().forEach((k, v) -> eval.put(k, v.doubleValue()));
        log.accept("eval at step " + step + ": " + eval);
        if (Double.isFinite(lastLoss)) { // the coordinator needs a finite loss; an eval point repeats the last one
            report(step, lastLoss, lastSamplesPerSecond, eval);
        }
    }

    /** The samples/s of the last finite step (0 before any), re-sent with the final progress report. */
    double lastSamplesPerSecond() {
        return lastSamplesPerSecond;
    }

    @Override
    public void message(String text) {
        log.accept(text);
    }

    private void report(long step, double loss, double samplesPerSecond, Map<String, Double> eval) {
        reporter.execute(() -> {
            try {
                client.reportProgress(step, loss, samplesPerSecond, eval);
            } catch (RuntimeException e) {
                log.accept("progress report dropped: step=" + step + ", cause=" + e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        reporter.shutdown();
        try {
            reporter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.ringclip.trainer.loop;

import io.ringclip.models.model.ModelConfig;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.report.ProgressLine;
import java.util.Locale;

/**
 * Simulation mode's output: a live progress line (step, loss, samples/s, ETA) on the console;
 * metrics, throughput and the communication share come from the {@link RunRecorder} it feeds.
 */
public final class ConsoleObserver implements RunObserver, AutoCloseable {

    private final RunRecorder recorder;
    private final ProgressLine progress;
    private long startNanos = System.nanoTime();

    public ConsoleObserver(RunRecorder recorder, ProgressLine progress) {
        this.recorder = recorder;
        this.progress = progress;
    }

    @Override
    public void started(TrainConfig cfg, String data, ModelConfig model, int parameters, int worldSize) {
        progress.message(String.format(Locale.ROOT,
                "ringclip train: model=%s (%.2f M params) loss=%s precision=%s workers=%d batch=%d×%d data=%s steps=%d "
                        + "bucket=%sMiB overlap=%s out=%s",
                cfg.model(), parameters / 1e6, cfg.loss().name().toLowerCase(Locale.ROOT),
                cfg.precision().name().toLowerCase(Locale.ROOT), worldSize, worldSize, cfg.batchPerWorker(), data,
                cfg.steps(), cfg.bucketMb(), cfg.overlap(), cfg.outDir()));
        startNanos = System.nanoTime();
    }

    @Override
    public void stepDone(StepResult r) {
        recorder.stepDone(r);
        progress.update(r.step() + 1, r.loss(), recorder.windowSamplesPerSecond());
    }

    @Override
    public void evalDone(int step, EvalResult result) {
        recorder.evalDone(step, result);
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

    public long wallNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Ends the progress line; the recorder stays open for its report. */
    @Override
    public void close() {
        progress.close();
    }
}

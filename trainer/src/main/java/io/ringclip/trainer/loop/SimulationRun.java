package io.ringclip.trainer.loop;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.transport.local.LocalCluster;
import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.models.tokenizer.BpeTrainer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import io.ringclip.trainer.checkpoint.TrainingCheckpoint;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.data.DataSource;
import io.ringclip.trainer.data.DataSources;
import io.ringclip.trainer.data.Split;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.report.ProgressLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulation mode: {@code workers} ranks as threads in this JVM, joined by comm's in-memory
 * transport ({@link LocalCluster}), each running {@link Worker} exactly as a cluster process would.
 * GEMM threads are split between the workers ({@code max(1, cores / workers)}).
 */
public final class SimulationRun {

    /** Captions the tokenizer is trained on (the first ones of the training split). */
    static final int TOKENIZER_CORPUS = 20_000;

    /** The run's result, for the CLI's last lines, tests and benchmarks. */
    public record Summary(EvalResult finalEval, double samplesPerSecond, double commWaitShare, long wallNanos,
                          List<Worker.Outcome> outcomes, Path outDir) {}

    private SimulationRun() {}

    public static Summary run(TrainConfig cfg, PrintStream out) throws IOException {
        return run(cfg, ModelConfig.named(cfg.model()), out);
    }

    /** As {@link #run(TrainConfig, PrintStream)} with an explicit model shape (tests, experiments). */
    public static Summary run(TrainConfig cfg, ModelConfig modelCfg, PrintStream out) throws IOException {
        Path outDir = Path.of(cfg.outDir());
        Files.createDirectories(outDir);
        CheckpointLayout layout = new CheckpointLayout(outDir);
        Path resumeDir = cfg.resume() == null ? null : layout.resolveResume(cfg.resume());
        BpeTokenizer tokenizer = resumeDir != null
                ? TrainingCheckpoint.tokenizer(resumeDir)
                : trainTokenizer(cfg, modelCfg);

        int workers = cfg.workers();
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / workers);
        Gemm.setThreads(threads);

        List<Communicator> raw = LocalCluster.create(workers, CommConfig.defaults().withOpTimeout(Duration.ofMinutes(5)));
        List<WorkerComm> comms = new ArrayList<>();
        for (Communicator c : raw) {
            comms.add(new CommunicatorWorkerComm(c, cfg.wire()));
        }
        List<Worker.Outcome> outcomes;
        ProgressLine progress = out == System.out ? ProgressLine.forConsole(cfg.steps())
                : new ProgressLine(out, false, cfg.steps(), Duration.ofSeconds(10), System::nanoTime);
        try (RunRecorder recorder = new RunRecorder(outDir)) {
            ConsoleObserver observer = new ConsoleObserver(recorder, progress);
            try (observer) {
                outcomes = WorkerThreads.run(comms, rank ->
                        new Worker(cfg, modelCfg, comms.get(rank), tokenizer, observer, threads, resumeDir));
            } finally {
                comms.forEach(WorkerComm::close);
            }
            recorder.writeReport(cfg, workers);
            return new Summary(outcomes.getFirst().finalEval(), recorder.samplesPerSecond(), recorder.commWaitShare(),
                    observer.wallNanos(), outcomes, outDir);
        }
    }

    /**
     * A BPE tokenizer learned from the training captions, sized to the model's vocabulary; saved
     * into the run dir. Deterministic (corpus order and tie-breaking are fixed), so every process
     * of a cluster job that trains it gets the same vocabulary.
     */
    public static BpeTokenizer trainTokenizer(TrainConfig cfg, ModelConfig modelCfg) throws IOException {
        BpeTokenizer tok = learnTokenizer(cfg, modelCfg);
        tok.save(Path.of(cfg.outDir()).resolve(TrainingCheckpoint.TOKENIZER_DIR));
        return tok;
    }

    /** As {@link #trainTokenizer} without saving it. */
    public static BpeTokenizer learnTokenizer(TrainConfig cfg, ModelConfig modelCfg) throws IOException {
        try (DataSource source = DataSources.open(cfg.data(), Split.TRAIN, modelCfg.imageSize(), modelCfg.channels(), cfg.seed())) {
            int n = Math.min(source.size(), TOKENIZER_CORPUS);
            List<String> captions = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                captions.add(source.caption(i));
            }
            captions.addAll(source.classNames());
            return BpeTrainer.train(captions, modelCfg.vocabSize());
        }
    }
}

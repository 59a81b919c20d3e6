package io.ringclip.trainer.loop;

import io.ringclip.comm.CollectiveException;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import io.ringclip.trainer.checkpoint.TrainingCheckpoint;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.data.Batch;
import io.ringclip.trainer.data.DataLoader;
import io.ringclip.trainer.data.DataSource;
import io.ringclip.trainer.data.DataSources;
import io.ringclip.trainer.data.LoaderOptions;
import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.data.Split;
import io.ringclip.trainer.eval.EvalResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One rank of a training job, the same code in simulation mode (a thread with an in-memory
 * communicator) and on a cluster (a process with a Netty communicator):
 * build the model (same seed on every rank, then rank 0's weights broadcast) → open this rank's
 * shard of the data → optionally restore a checkpoint → run the steps → checkpoint and evaluate
 * on rank 0 at the configured intervals and at the end.
 *
 * <p>Rank 0 reports through {@link RunObserver} (metrics, progress, eval); other ranks stay quiet.
 */
public final class Worker implements Callable<Worker.Outcome> {

    /** What a worker returns: its final step, last loss, and final eval (rank 0 only, else null). */
    public record Outcome(int rank, int finalStep, double lastLoss, EvalResult finalEval, float[] params) {}

    private final TrainConfig cfg;
    private final ModelConfig modelCfg;
    private final WorkerComm comm;
    private final BpeTokenizer tokenizer;
    private final RunObserver observer;
    private final int gemmThreads;
    private final Path resumeDir;
    private StateSync stateSync;

    public Worker(TrainConfig cfg, ModelConfig modelCfg, WorkerComm comm, BpeTokenizer tokenizer, RunObserver observer,
                  int gemmThreads, Path resumeDir) {
        this.cfg = cfg;
        this.modelCfg = modelCfg;
        this.comm = comm;
        this.tokenizer = tokenizer;
        this.observer = observer;
        this.gemmThreads = gemmThreads;
        this.resumeDir = resumeDir;
        this.stateSync = StateSync.broadcastParams(comm);
    }

    /** Elastic training: how ranks agree on state at the start and after a failed collective. */
    public Worker withStateSync(StateSync sync) {
        this.stateSync = Objects.requireNonNull(sync, "sync");
        return this;
    }

    /** Rank 0 reports; ranks can change between generations (elastic training), so ask each time. */
    private RunObserver observer() {
        return comm.rank() == 0 ? observer : RunObserver.NONE;
    }

    @Override
    public Outcome call() throws IOException {
        if (tokenizer.vocabSize() > modelCfg.vocabSize()) {
            throw new IllegalArgumentException("tokenizer vocabulary larger than the model's: tokenizer="
                    + tokenizer.vocabSize() + ", model=" + modelCfg.vocabSize());
        }
        LossKind kind = LossKind.valueOf(cfg.loss().name());
        ClipModel model = ClipModel.create(modelCfg, kind, cfg.seed());
        ClipModelAdapter adapter = new ClipModelAdapter(model, gemmThreads);
        TrainStep step = new TrainStep(cfg, adapter, comm);

        int startStep = 0;
        LoaderPosition position = LoaderPosition.START;
        if (resumeDir != null) {
            TrainingCheckpoint.Restored r = TrainingCheckpoint.load(resumeDir, adapter.params(), adapter.spans(),
                    step.optimizer(), step.scaler());
            startStep = r.step();
            position = r.position();
            observer().message("resumed from " + resumeDir + " at step " + startStep);
        }
        StateSync.Resume resume = stateSync.start(
                new StateSync.State(startStep, position, adapter.params(), step.optimizer(), step.scaler()));

        CheckpointLayout layout = new CheckpointLayout(Path.of(cfg.outDir()));
        double lastLoss = Double.NaN;
        EvalResult finalEval = null;
        try (DataSource source = DataSources.open(cfg.data(), Split.TRAIN, modelCfg.imageSize(), modelCfg.channels(), cfg.seed())) {
            DataLoader loader = openLoader(source, modelCfg, resume.position());
            try {
                observer().started(cfg, source.describe(), modelCfg, adapter.params().length, comm.worldSize());
                LoaderPosition committed = resume.position();
                int s = resume.step();
                while (s < cfg.steps()) {
                    StepResult res;
                    DataLoader batches = loader;
                    try {
                        res = step.run(s, () -> input(batches.next()));
                    } catch (RuntimeException e) {
                        CollectiveException failed = collectiveCause(e);
                        if (failed == null) {
                            throw e;
                        }
                        // elastic training: the ring changed under this step; continue from the agreed commit point
                        resume = stateSync.recover(failed,
                                new StateSync.State(s, committed, adapter.params(), step.optimizer(), step.scaler()));
                        Arrays.fill(adapter.grads(), 0f);
                        loader.close();
                        loader = openLoader(source, modelCfg, resume.position());
                        committed = resume.position();
                        s = resume.step();
                        observer().message("continuing at step " + s + " with world size " + comm.worldSize());
                        continue;
                    }
                    committed = loader.position();
                    lastLoss = res.loss();
                    observer().stepDone(res);
                    int done = ++s;
                    boolean end = done == cfg.steps();
                    if (comm.rank() == 0 && (end || (cfg.checkpointEvery() > 0 && done % cfg.checkpointEvery() == 0))) {
                        Path dir = TrainingCheckpoint.save(layout, done, cfg, modelCfg.toJson(), adapter.params(), adapter.spans(),
                                step.optimizer(), step.scaler(), committed, tokenizer);
                        observer().message("checkpoint " + dir);
                    }
                    if (comm.rank() == 0 && (end || (cfg.evalEvery() > 0 && done % cfg.evalEvery() == 0))) {
                        EvalResult ev = Evaluation.run(model, tokenizer, cfg.data(), cfg.seed(), Evaluation.DEFAULT_MAX_SAMPLES);
                        observer().evalDone(done, ev);
                        if (end) {
                            finalEval = ev;
                        }
                    }
                }
            } finally {
                loader.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Outcome(comm.rank(), cfg.steps(), lastLoss, finalEval, adapter.params().clone());
    }

    /** This rank's loader for the current world size, at a global cursor (the cursor does not depend on the world size). */
    private DataLoader openLoader(DataSource source, ModelConfig modelCfg, LoaderPosition position) {
        DataLoader loader = DataLoader.open(source, tokenizer,
                loaderOptions(modelCfg, comm.rank(), comm.worldSize(), cfg.batchPerWorker(), cfg.seed(), true));
        loader.seek(position);
        return loader;
    }

    /** The collective failure behind {@code e} (possibly wrapped by a future or a loss), or null. */
    static CollectiveException collectiveCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CollectiveException ce) {
                return ce;
            }
        }
        return null;
    }

    static LoaderOptions loaderOptions(ModelConfig m, int rank, int world, int batch, long seed, boolean train) {
        // contextLength: the model's; images at the model's size and channels
        return LoaderOptions.builder()
                .rank(rank, world)
                .batchPerRank(batch)
                .seed(seed)
                .image(m.imageSize(), m.channels())
                .contextLength(m.contextLength())
                .decodeThreads(1)
                .dropLast(train)
                .build();
    }

    static StepInput input(Batch b) {
        return new StepInput(b.images(), b.tokens(), b.size());
    }
}

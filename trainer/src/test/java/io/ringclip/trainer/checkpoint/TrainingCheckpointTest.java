package io.ringclip.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringclip.models.tokenizer.BpeTrainer;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.config.LossType;
import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.loop.TrainStep;
import io.ringclip.trainer.testing.LinearTowersModel;
import io.ringclip.trainer.testing.LocalComms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 2k steps straight == k steps, checkpoint, a fresh process-equivalent (new model, new optimizer,
 * new scaler) restored from disk, k more steps: bit-identical parameters, on 2 ranks. fp16 checks
 * that the loss scale survives the round trip.
 */
@Timeout(120)
class TrainingCheckpointTest {

    private static final int K = 3;
    private static final int PIXELS = 12;
    private static final int VOCAB = 9;
    private static final int E = 6;
    private static final String MODEL_JSON = "{\"pixels\": 12}";

    private static TrainConfig config(LossType loss, Precision p, Path out) {
        return TrainConfig.builder().loss(loss).precision(p).batchPerWorker(4).steps(2 * K).warmupSteps(1)
                .lr(0.01).outDir(out.toString()).build();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"CLIP, FP32", "SIGLIP, FP16"})
    void shouldResumeToBitIdenticalParameters(LossType loss, Precision precision, @TempDir Path out) {
        BpeTokenizer tok = BpeTrainer.train(List.of("a red circle", "a blue square"), 530);
        List<float[]> straight = LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 5);
            TrainStep step = new TrainStep(config(loss, precision, out.resolve("a")), m, comm);
            for (int s = 0; s < 2 * K; s++) {
                run(step, s, comm.rank());
            }
            return m.params().clone();
        });
        Path run = out.resolve("b");
        CheckpointLayout layout = new CheckpointLayout(run);
        LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 5);
            TrainConfig cfg = config(loss, precision, run);
            TrainStep step = new TrainStep(cfg, m, comm);
            for (int s = 0; s < K; s++) {
                run(step, s, comm.rank());
            }
            if (comm.rank() == 0) {
                try {
                    TrainingCheckpoint.save(layout, K, cfg, MODEL_JSON, m.params(), m.spans(), step.optimizer(),
                            step.scaler(), new LoaderPosition(0, 8L * K), tok);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            comm.barrier();
            return null;
        });
        List<float[]> resumed = LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 99); // other init: must be overwritten
            TrainStep step = new TrainStep(config(loss, precision, run), m, comm);
            TrainingCheckpoint.Restored r;
            try {
                r = TrainingCheckpoint.load(layout.resolveResume("latest"), m.params(), m.spans(), step.optimizer(), step.scaler());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertEquals(K, r.step());
            assertEquals(new LoaderPosition(0, 8L * K), r.position());
            for (int s = r.step(); s < 2 * K; s++) {
                run(step, s, comm.rank());
            }
            return m.params().clone();
        });
        assertArrayEquals(straight.get(0), resumed.get(0), 0f);
        assertArrayEquals(straight.get(1), resumed.get(1), 0f);
    }

    @org.junit.jupiter.api.Test
    void shouldRejectACheckpointOfAnotherShape(@TempDir Path out) throws IOException {
        BpeTokenizer tok = BpeTrainer.train(List.of("a red circle"), 530);
        LinearTowersModel small = new LinearTowersModel(PIXELS, VOCAB, E, false, 5);
        TrainConfig cfg = config(LossType.CLIP, Precision.FP32, out);
        CheckpointLayout layout = new CheckpointLayout(out);
        io.ringclip.trainer.optim.AdamW opt = new io.ringclip.trainer.optim.AdamW(
                io.ringclip.trainer.optim.ParamGroups.of(small.spans(), false), small.params().length, 0.9, 0.98, 1e-6, 0.1);
        Path dir = TrainingCheckpoint.save(layout, 1, cfg, MODEL_JSON, small.params(), small.spans(), opt,
                new io.ringclip.trainer.amp.LossScaler(false), LoaderPosition.START, tok);
        assertEquals(MODEL_JSON.replace(" ", ""), TrainingCheckpoint.modelConfigJson(dir).replace(" ", ""));
        assertEquals(tok.vocabSize(), TrainingCheckpoint.tokenizer(dir).vocabSize());
        LinearTowersModel big = new LinearTowersModel(PIXELS + 1, VOCAB, E, false, 5);
        assertThrows(IOException.class, () -> TrainingCheckpoint.loadWeights(dir, big.params(), big.spans()));
        Files.delete(dir.resolve(TrainingCheckpoint.STATE_FILE));
        assertThrows(IOException.class, () -> TrainingCheckpoint.load(dir, small.params(), small.spans(), opt,
                new io.ringclip.trainer.amp.LossScaler(false)));
    }

    private static void run(TrainStep step, int s, int rank) {
        int from = s * 8 + rank * 4;
        step.run(s, () -> LinearTowersModel.batch(from, 4, PIXELS, 3, VOCAB));
    }
}

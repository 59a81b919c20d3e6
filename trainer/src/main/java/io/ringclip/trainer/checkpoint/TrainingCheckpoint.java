package io.ringclip.trainer.checkpoint;

import io.ringclip.models.io.CheckpointFiles;
import io.ringclip.models.io.Json;
import io.ringclip.models.io.StateFile;
import io.ringclip.models.io.TensorSlice;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.amp.LossScaler;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.optim.AdamW;
import io.ringclip.trainer.optim.ParamSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a run exactly, in one checkpoint directory:
 * <pre>
 *   model.safetensors     weights under open_clip names (loadable by PyTorch), with checksum
 *   config.json           {"model": {…ModelConfig…}, "loss": "clip", "model_name": "tiny"}
 *   trainer.safetensors   AdamW m and v (flat, arena layout) + JSON: step, adam_step, loss scaler,
 *                         data position (epoch, index), the job spec
 *   tokenizer/            the BPE tokenizer the run trained (merges.txt, vocab.json)
 * </pre>
 * RNG state needs no file: every random stream of a step is derived from (seed, rank, step).
 * Rank 0 writes (all ranks hold identical state); every rank reads.
 */
public final class TrainingCheckpoint {

    public static final String STATE_FILE = "trainer.safetensors";
    public static final String TOKENIZER_DIR = "tokenizer";

    /** What a resume restores besides the arrays it fills in place. */
    public record Restored(int step, LoaderPosition position) {}

    private TrainingCheckpoint() {}

    public static Path save(CheckpointLayout layout, int step, TrainConfig cfg, String modelConfigJson,
                            float[] params, List<ParamSpan> spans, AdamW optimizer, LossScaler scaler,
                            LoaderPosition position, BpeTokenizer tokenizer) throws IOException {
        Path tmp = layout.begin(step);
        CheckpointFiles.writeWeights(tmp, slices(params, spans));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_name", cfg.model());
        config.put("loss", cfg.loss().name().toLowerCase(java.util.Locale.ROOT));
        config.put("model", Json.parseObject(modelConfigJson));
        CheckpointFiles.writeConfig(tmp, config);
        Map<String, float[]> arrays = new LinkedHashMap<>();
        arrays.put("adam.m", optimizer.state().m());
        arrays.put("adam.v", optimizer.state().v());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("adam_step", optimizer.state().step());
        json.put("loss_scale", scaler.scale());
        json.put("loss_scale_clean_steps", scaler.cleanSteps());
        json.put("skipped_steps", scaler.skippedSteps());
        json.put("data_epoch", position.epoch());
        json.put("data_index", position.indexInEpoch());
        json.put("job", jobSpec(cfg));
        StateFile.write(tmp.resolve(STATE_FILE), arrays, json);
        tokenizer.save(tmp.resolve(TOKENIZER_DIR));
        return layout.commit(tmp, step);
    }

    /** Loads weights and optimizer/scaler state in place; returns the step and data position to continue from. */
    public static Restored load(Path dir, float[] params, List<ParamSpan> spans, AdamW optimizer, LossScaler scaler)
            throws IOException {
        loadWeights(dir, params, spans);
        StateFile.State state = StateFile.read(dir.resolve(STATE_FILE));
        float[] m = state.arrays().get("adam.m");
        float[] v = state.arrays().get("adam.v");
        if (m == null || v == null) {
            throw new IOException("checkpoint lacks optimizer state: file=" + dir.resolve(STATE_FILE));
        }
        Map<String, Object> j = state.json();
        optimizer.state().copyFrom(m, v, ((Number) j.get("adam_step")).longValue());
        scaler.restore(((Number) j.get("loss_scale")).doubleValue(),
                ((Number) j.get("loss_scale_clean_steps")).intValue(),
                ((Number) j.get("skipped_steps")).longValue());
        return new Restored(((Number) j.get("step")).intValue(),
                new LoaderPosition(((Number) j.get("data_epoch")).longValue(), ((Number) j.get("data_index")).longValue()));
    }

    public static void loadWeights(Path dir, float[] params, List<ParamSpan> spans) throws IOException {
        CheckpointFiles.loadWeights(dir, slices(params, spans));
    }

    /** The model config JSON object the checkpoint was written with (for {@code ModelConfig.fromJson}). */
    public static String modelConfigJson(Path dir) throws IOException {
        Map<String, Object> c = CheckpointFiles.readConfig(dir);
        Object model = c.get("model");
        if (!(model instanceof Map<?, ?>)) {
            throw new IOException("checkpoint config.json lacks 'model': dir=" + dir);
        }
        return Json.write(model);
    }

    public static String lossName(Path dir) throws IOException {
        return String.valueOf(CheckpointFiles.readConfig(dir).get("loss"));
    }

    public static BpeTokenizer tokenizer(Path dir) throws IOException {
        Path t = dir.resolve(TOKENIZER_DIR);
        if (!Files.isDirectory(t)) {
            throw new IOException("checkpoint lacks its tokenizer: dir=" + t);
        }
        return BpeTokenizer.load(t);
    }

    private static List<TensorSlice> slices(float[] params, List<ParamSpan> spans) {
        List<TensorSlice> out = new ArrayList<>(spans.size());
        for (ParamSpan s : spans) {
            out.add(new TensorSlice(s.name(), s.shape(), params, s.offset()));
        }
        return out;
    }

    private static Map<String, Object> jobSpec(TrainConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", c.model());
        m.put("loss", c.loss().name());
        m.put("precision", c.precision().name());
        m.put("data", c.data());
        m.put("batch", c.batchPerWorker());
        m.put("steps", c.steps());
        m.put("lr", c.lr());
        m.put("seed", c.seed());
        m.put("workers", c.workers());
        return m;
    }
}

package io.ringclip.models.io;

import io.ringclip.models.image.Preprocess;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ClipModel} as a checkpoint directory ({@link CheckpointFiles}), and open_clip weights
 * loaded into one:
 * <pre>
 * DIR/model.safetensors   every arena view under its open_clip name and shape, F32, checksummed
 * DIR/config.json         {"format": "ringclip-checkpoint-v1", "loss": "clip"|"siglip", "model": {ModelConfig},
 *                          "preprocess": {Preprocess} (optional: how training images were prepared)}
 * DIR/tokenizer/         the tokenizer, when one is given (merges.txt, vocab.json: {@link BpeTokenizer#save})
 * </pre>
 * The trainer's checkpoints (trainer's {@code TrainingCheckpoint}) share this layout and add
 * optimizer state; their config.json has no "format" key, which reads as this format.
 * Files are written in that order, each atomically, config.json last: a freshly written
 * directory that has a config.json has complete weights.
 */
public final class ClipCheckpoint {

    public static final String FORMAT = "ringclip-checkpoint-v1";
    public static final String TOKENIZER_DIR = "tokenizer";

    private ClipCheckpoint() {}

    /** Saves weights + config (+ the tokenizer and preprocessing when non-null) into {@code dir}, creating it. */
    public static void save(ClipModel model, BpeTokenizer tokenizer, Preprocess preprocess, Path dir) throws IOException {
        Files.createDirectories(dir);
        CheckpointFiles.writeWeights(dir, slices(model.arena()));
        if (tokenizer != null) {
            tokenizer.save(dir.resolve(TOKENIZER_DIR));
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", FORMAT);
        config.put("loss", model.lossKind().name().toLowerCase(Locale.ROOT));
        config.put("model", Json.parseObject(model.config().toJson()));
        if (preprocess != null) {
            config.put("preprocess", preprocess.toJson());
        }
        CheckpointFiles.writeConfig(dir, config);
    }

    /** A model built from {@code DIR/config.json} with the weights of {@code DIR/model.safetensors}. */
    public static ClipModel load(Path dir) throws IOException {
        Map<String, Object> config = CheckpointFiles.readConfig(dir);
        Path file = dir.resolve(CheckpointFiles.CONFIG_FILE);
        try {
            String format = config.containsKey("format") ? Json.getString(config, "format") : FORMAT;
            if (!format.equals(FORMAT)) {
                throw new IllegalArgumentException("unsupported checkpoint format: format=" + format + ", supported=" + FORMAT);
            }
            ModelConfig cfg = ModelConfig.fromJson(Json.write(Json.getObject(config, "model")));
            LossKind kind = LossKind.valueOf(Json.getString(config, "loss").toUpperCase(Locale.ROOT));
            ClipModel model = ClipModel.create(cfg, kind, 0);
            CheckpointFiles.loadWeights(dir, slices(model.arena()));
            return model;
        } catch (IllegalArgumentException e) {
            throw new IOException("bad " + CheckpointFiles.CONFIG_FILE + ": " + e.getMessage() + ", file=" + file, e);
        }
    }

    /**
     * The tokenizer saved with a checkpoint: {@code DIR/tokenizer/} (or {@code DIR} itself), if any.
     */
    public static Optional<BpeTokenizer> tokenizer(Path dir) throws IOException {
        for (Path candidate : List.of(dir.resolve(TOKENIZER_DIR), dir)) {
            if (Files.isRegularFile(candidate.resolve(BpeTokenizer.MERGES_FILE))) {
                return Optional.of(BpeTokenizer.load(candidate));
            }
        }
        return Optional.empty();
    }

    /**
     * The preprocessing recorded in {@code DIR/config.json}, else the default for the model's
     * channels ({@link Preprocess#forChannels}).
     */
    public static Preprocess preprocess(Path dir, ModelConfig cfg) throws IOException {
        Map<String, Object> config = CheckpointFiles.readConfig(dir);
        if (!config.containsKey("preprocess")) {
            return Preprocess.forChannels(cfg.imageSize(), cfg.channels());
        }
        try {
            Preprocess p = Preprocess.fromJson(Json.getObject(config, "preprocess"));
            if (p.imageSize() != cfg.imageSize() || p.channels() != cfg.channels()) {
                throw new IllegalArgumentException("preprocess does not match the model: preprocess=" + p
                        + ", imageSize=" + cfg.imageSize() + ", channels=" + cfg.channels());
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw new IOException("bad " + CheckpointFiles.CONFIG_FILE + ": " + e.getMessage() + ", dir=" + dir, e);
        }
    }

    /**
     * A model of config {@code cfg} with weights from an open_clip-named safetensors file (F32, F16
     * or BF16; checksum verified only if present). The loss kind follows the file: a
     * {@code logit_bias} tensor means SigLIP. Every parameter must be present with its shape;
     * tensors the model does not have are an error.
     */
    public static ClipModel loadOpenClipWeights(ModelConfig cfg, Path weights) throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(weights)) {
            LossKind kind = reader.tensors().containsKey("logit_bias") ? LossKind.SIGLIP : LossKind.CLIP;
            ClipModel model = ClipModel.create(cfg, kind, 0);
            reader.loadInto(slices(model.arena()), false);
            return model;
        }
    }

    /** The arena's views as slices of its value array: writing reads the live weights, loading writes them. */
    public static List<TensorSlice> slices(ParameterArena arena) {
        List<TensorSlice> out = new ArrayList<>(arena.views().size());
        for (ParameterView v : arena.views()) {
            out.add(new TensorSlice(v.name(), v.shape(), arena.values(), v.offset()));
        }
        return out;
    }
}

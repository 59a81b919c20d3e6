package io.ringclip.models.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The files of a checkpoint directory, independent of any model class:
 * <pre>
 * DIR/model.safetensors   weights, F32, open_clip state_dict names and layouts, with checksum
 * DIR/config.json         model config + loss kind (JSON object, written by the caller)
 * DIR/…                   optional extra state (e.g. optimizer.safetensors via {@link StateFile})
 * </pre>
 * Each file is replaced atomically; weights without a checksum are rejected here (a foreign
 * open_clip file is loaded with {@link SafetensorsReader} directly instead).
 */
public final class CheckpointFiles {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";

    private CheckpointFiles() {}

    public static void writeWeights(Path dir, List<TensorSlice> tensors) throws IOException {
        // "format": "pt" is what Hugging Face / open_clip writers record; their loaders expect it.
        Safetensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
    }

    /** Loads every target from {@code DIR/model.safetensors}; names, shapes and checksum must match exactly. */
    public static void loadWeights(Path dir, List<TensorSlice> targets) throws IOException {
        Path file = dir.resolve(WEIGHTS_FILE);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            if (!reader.hasChecksum()) {
                throw new SafetensorsException(file, "checkpoint weights carry no checksum: key=" + Safetensors.SHA256_KEY);
            }
            reader.loadInto(targets, false);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "not a checkpoint directory, no " + WEIGHTS_FILE);
        }
    }

    public static void writeConfig(Path dir, Map<String, Object> config) throws IOException {
        AtomicFiles.writeString(dir.resolve(CONFIG_FILE), Json.writePretty(config));
    }

    public static Map<String, Object> readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG_FILE);
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt " + CONFIG_FILE + ": " + e.getMessage() + ", file=" + file, e);
        }
    }
}

package io.ringclip.models.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training state beside a checkpoint (AdamW m and v, loss scaler, step, RNG, data position):
 * named flat {@code float[]} arrays plus a JSON map, in one safetensors file. Each array is a
 * 1-D F32 tensor under its own name; the JSON map is stored as a string in {@code __metadata__}
 * under {@value #JSON_KEY}. Written atomically, checksum verified on read.
 */
public final class StateFile {

    public static final String JSON_KEY = "ringclip.state";
    public static final String FORMAT_KEY = "ringclip.format";
    static final String FORMAT = "state-v1";

    /** What {@link #read} returns: the arrays in file order and the JSON map. */
    public record State(Map<String, float[]> arrays, Map<String, Object> json) {}

    private StateFile() {}

    public static void write(Path file, Map<String, float[]> arrays, Map<String, Object> json) throws IOException {
        List<TensorSlice> tensors = new ArrayList<>(arrays.size());
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            tensors.add(TensorSlice.of(e.getKey(), e.getValue(), e.getValue().length));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(JSON_KEY, Json.write(json));
        Safetensors.write(file, tensors, metadata);
    }

    public static State read(Path file) throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            if (!FORMAT.equals(reader.metadata().get(FORMAT_KEY)) || !reader.hasChecksum()) {
                throw new SafetensorsException(file, "not a ringclip state file: " + FORMAT_KEY + "="
                        + reader.metadata().get(FORMAT_KEY) + ", hasChecksum=" + reader.hasChecksum());
            }
            Map<String, Object> json;
            try {
                json = Json.parseObject(reader.metadata().getOrDefault(JSON_KEY, "{}"));
            } catch (IllegalArgumentException e) {
                throw new SafetensorsException(file, "corrupt state JSON: " + e.getMessage());
            }
            return new State(reader.readAll(), json);
        }
    }
}

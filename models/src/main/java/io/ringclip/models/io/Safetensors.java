package io.ringclip.models.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes safetensors files (the format PyTorch, open_clip and Hugging Face load).
 *
 * <pre>
 * offset 0          8                      8+N                                 end of file
 *        +----------+----------------------+-----------------------------------+
 *        | N: u64LE | header: N bytes JSON | data: tensors back to back, raw   |
 *        |          | (space-padded to a   | little-endian, C order, no gaps   |
 *        |          |  multiple of 8)      |                                   |
 *        +----------+----------------------+-----------------------------------+
 * header = {"__metadata__": {"ringclip.sha256": "&lt;hex&gt;", ...string → string...},
 *           "visual.conv1.weight": {"dtype": "F32", "shape": [64, 3, 8, 8], "data_offsets": [0, 49152]},
 *           ...}
 * </pre>
 * {@code data_offsets} are {@code [begin, end)} relative to the start of the data section.
 * {@value #SHA256_KEY} is the SHA-256 of the whole data section; {@link SafetensorsReader}
 * verifies it when present. Writes are F32 and atomic ({@link AtomicFiles}).
 */
public final class Safetensors {

    /** Metadata key holding the lowercase hex SHA-256 of the data section. */
    public static final String SHA256_KEY = "ringclip.sha256";
    static final String METADATA_KEY = "__metadata__";
    /** Largest header accepted on read; the reference implementation uses the same 100 MB bound. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final int CHUNK_FLOATS = 16 * 1024;

    private Safetensors() {}

    /**
     * Writes {@code tensors} as F32 in list order, with {@code metadata} (string values, as the
     * format requires) plus the data checksum. Names must be unique.
     */
    public static void write(Path file, List<TensorSlice> tensors, Map<String, String> metadata) throws IOException {
        Set<String> seen = new HashSet<>();
        for (TensorSlice t : tensors) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name: tensor=" + t.name());
            }
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name is reserved: tensor=" + METADATA_KEY);
            }
        }
        byte[] header = header(tensors, metadata, sha256(tensors));
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(len.array());
            out.write(header);
            for (TensorSlice t : tensors) {
                writeFloats(t, out);
            }
        });
    }

    private static byte[] header(List<TensorSlice> tensors, Map<String, String> metadata, String sha256) {
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put(SHA256_KEY, sha256);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(METADATA_KEY, meta);
        long begin = 0;
        for (TensorSlice t : tensors) {
            long end = begin + (long) t.length() * DType.F32.byteSize();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", DType.F32.name());
            entry.put("shape", t.shape());
            entry.put("data_offsets", new long[] {begin, end});
            header.put(t.name(), entry);
            begin = end;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        // Pad with spaces so the data section starts 8-byte aligned (as the reference writer does).
        int padded = (int) ((8 + json.length + 7) / 8 * 8 - 8);
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    /** SHA-256 over the F32 little-endian bytes the writer will emit, in list order. */
    static String sha256(List<TensorSlice> tensors) {
        MessageDigest md = newSha256();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorSlice t : tensors) {
            forEachChunk(t, buf, md::update);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void writeFloats(TensorSlice t, OutputStream out) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_FLOATS * 4).order(ByteOrder.LITTLE_ENDIAN);
        forEachChunk(t, buf, chunk -> out.write(chunk.array(), 0, chunk.limit()));
    }

    @FunctionalInterface
    private interface ChunkSink<E extends Exception> {
        void accept(ByteBuffer chunk) throws E;
    }

    /** Encodes the slice chunk by chunk into {@code buf} (positioned at 0, limit = bytes) and hands each chunk on. */
    private static <E extends Exception> void forEachChunk(TensorSlice t, ByteBuffer buf, ChunkSink<E> sink) throws E {
        float[] data = t.data();
        int end = t.offset() + t.length();
        for (int i = t.offset(); i < end; ) {
            int n = Math.min(CHUNK_FLOATS, end - i);
            buf.clear();
            buf.asFloatBuffer().put(data, i, n);
            buf.limit(n * 4);
            sink.accept(buf);
            i += n;
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }
}

package io.ringclip.models.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file (layout in {@link Safetensors}). {@link #open} reads and validates the
 * header only: every tensor's dtype, shape and offsets, that tensors neither overlap nor leave gaps,
 * and that the file holds every byte the header promises. Tensor data is read on demand;
 * {@link #loadInto} and {@link #readAll} read the data section once, in file order, and verify the
 * {@value Safetensors#SHA256_KEY} checksum on the way when the file carries one.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** One header entry: {@code [begin, end)} are byte offsets from the start of the data section. */
    public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
        public int numel() {
            return (int) TensorSlice.numel(shape, name);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    private static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart,
                              Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return parse(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsReader parse(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new SafetensorsException(file, "file too short for the 8-byte header length: fileSize=" + fileSize);
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLength = lenBuf.flip().getLong();
        if (headerLength < 2 || headerLength > Safetensors.MAX_HEADER_BYTES || headerLength > fileSize - 8) {
            throw new SafetensorsException(file, "bad header length (corrupt or truncated file): headerLength="
                    + headerLength + ", fileSize=" + fileSize);
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLength);
        readFully(ch, headerBuf, 8);
        Map<String, Object> header;
        try {
            String json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip()).toString();
            header = Json.parseObject(json);
        } catch (CharacterCodingException | IllegalArgumentException e) {
            throw new SafetensorsException(file, "corrupt header: " + e.getMessage());
        }
        long dataStart = 8 + headerLength;
        long dataBytes = fileSize - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(Safetensors.METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) {
                    throw new SafetensorsException(file, "__metadata__ must be an object");
                }
                for (Map.Entry<?, ?> m : meta.entrySet()) {
                    if (!(m.getValue() instanceof String v)) {
                        throw new SafetensorsException(file, "__metadata__ values must be strings: key=" + m.getKey());
                    }
                    metadata.put((String) m.getKey(), v);
                }
                continue;
            }
            tensors.put(e.getKey(), tensorInfo(file, e.getKey(), e.getValue()));
        }
        checkLayout(file, tensors, dataBytes);
        return new SafetensorsReader(file, ch, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    @SuppressWarnings("unchecked")
    private static TensorInfo tensorInfo(Path file, String name, Object entry) throws SafetensorsException {
        try {
            if (!(entry instanceof Map)) {
                throw new IllegalArgumentException("header entry is not an object");
            }
            Map<String, Object> m = (Map<String, Object>) entry;
            DType dtype = DType.parse(Json.getString(m, "dtype"));
            List<Object> shapeList = Json.getList(m, "shape");
            int[] shape = new int[shapeList.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("bad dimension: shape=" + Json.write(shapeList));
                }
                shape[i] = (int) (long) d;
            }
            List<Object> offsets = Json.getList(m, "data_offsets");
            if (offsets.size() != 2 || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                    || begin < 0 || end < begin) {
                throw new IllegalArgumentException("bad data_offsets: data_offsets=" + Json.write(offsets));
            }
            long expected = TensorSlice.numel(shape, name) * dtype.byteSize();
            if (end - begin != expected) {
                throw new IllegalArgumentException("byte size does not match dtype and shape: dtype=" + dtype
                        + ", shape=" + Arrays.toString(shape) + ", data_offsets=[" + begin + ", " + end
                        + "], expectedBytes=" + expected);
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        } catch (IllegalArgumentException e) {
            throw new SafetensorsException(file, "bad header entry: tensor=" + name + ", " + e.getMessage());
        }
    }

    /** Tensors must tile the data section exactly: no overlap, no gap, nothing past the end of the file. */
    private static void checkLayout(Path file, Map<String, TensorInfo> tensors, long dataBytes)
            throws SafetensorsException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        for (TensorInfo t : byOffset) {
            if (t.end() > dataBytes) {
                throw new SafetensorsException(file, "truncated file: tensor=" + t.name() + " ends at dataOffset="
                        + t.end() + " but the data section has dataBytes=" + dataBytes);
            }
            if (t.begin() != expectedBegin) {
                throw new SafetensorsException(file, (t.begin() < expectedBegin ? "overlapping" : "gap before")
                        + " tensor: tensor=" + t.name() + ", begin=" + t.begin() + ", expectedBegin=" + expectedBegin);
            }
            expectedBegin = t.end();
        }
        if (expectedBegin != dataBytes) {
            throw new SafetensorsException(file, "trailing bytes after the last tensor: tensorBytes=" + expectedBegin
                    + ", dataBytes=" + dataBytes);
        }
    }

    public Path file() {
        return file;
    }

    /** Header entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no such tensor: tensor=" + name + ", file=" + file);
        }
        return t;
    }

    /** One tensor as floats (converted from F16/BF16/F64); does not verify the file checksum. */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = info(name);
        float[] out = new float[t.numel()];
        readInto(t, out, 0, null);
        return out;
    }

    /** Every tensor as floats, in header order; verifies the checksum if the file has one. */
    public Map<String, float[]> readAll() throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (TensorInfo t : tensors.values()) {
            out.put(t.name(), new float[t.numel()]);
        }
        MessageDigest md = Safetensors.newSha256();
        for (TensorInfo t : inFileOrder()) {
            readInto(t, out.get(t.name()), 0, md);
        }
        checkDigest(md);
        return out;
    }

    /**
     * Fills {@code targets} from this file. Every target must be present with the same shape
     * (a scalar {@code []} and {@code [1]} count as the same) and a floating dtype, and, unless
     * {@code allowUnexpected}, every tensor of the file must be a target. All mismatches are
     * reported together. Verifies the checksum if present; after an exception the targets'
     * contents are unspecified.
     */
    public void loadInto(List<TensorSlice> targets, boolean allowUnexpected) throws IOException {
        Map<String, TensorSlice> byName = new LinkedHashMap<>();
        for (TensorSlice s : targets) {
            byName.put(s.name(), s);
        }
        List<String> missing = new ArrayList<>();
        List<String> wrongShape = new ArrayList<>();
        List<String> wrongDtype = new ArrayList<>();
        for (TensorSlice s : targets) {
            TensorInfo t = tensors.get(s.name());
            if (t == null) {
                missing.add(s.name());
            } else if (!sameShape(t.shape(), s.shape())) {
                wrongShape.add(s.name() + ": file=" + Arrays.toString(t.shape()) + " model=" + Arrays.toString(s.shape()));
            } else if (!t.dtype().isFloating()) {
                wrongDtype.add(s.name() + ": dtype=" + t.dtype());
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!byName.containsKey(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !wrongShape.isEmpty() || !wrongDtype.isEmpty() || (!allowUnexpected && !unexpected.isEmpty())) {
            StringBuilder msg = new StringBuilder("checkpoint does not match the model:");
            if (!missing.isEmpty()) msg.append(" missing=").append(missing);
            if (!wrongShape.isEmpty()) msg.append(" wrongShape=").append(wrongShape);
            if (!wrongDtype.isEmpty()) msg.append(" wrongDtype=").append(wrongDtype);
            if (!allowUnexpected && !unexpected.isEmpty()) msg.append(" unexpected=").append(unexpected);
            throw new SafetensorsException(file, msg.toString());
        }
        MessageDigest md = Safetensors.newSha256();
        for (TensorInfo t : inFileOrder()) {
            TensorSlice s = byName.get(t.name());
            if (s != null) {
                readInto(t, s.data(), s.offset(), md);
            } else {
                readInto(t, null, 0, md);
            }
        }
        checkDigest(md);
    }

    /** Reads the data section once and compares it with the recorded checksum (no-op without one). */
    public void verifyChecksum() throws IOException {
        MessageDigest md = Safetensors.newSha256();
        for (TensorInfo t : inFileOrder()) {
            readInto(t, null, 0, md);
        }
        checkDigest(md);
    }

    public boolean hasChecksum() {
        return metadata.containsKey(Safetensors.SHA256_KEY);
    }

    private void checkDigest(MessageDigest md) throws SafetensorsException {
        String expected = metadata.get(Safetensors.SHA256_KEY);
        String actual = HexFormat.of().formatHex(md.digest());
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            throw new SafetensorsException(file, "checksum mismatch, the data section is corrupt: expectedSha256="
                    + expected + ", actualSha256=" + actual);
        }
    }

    private List<TensorInfo> inFileOrder() {
        List<TensorInfo> list = new ArrayList<>(tensors.values());
        list.sort(Comparator.comparingLong(TensorInfo::begin));
        return list;
    }

    private static boolean sameShape(int[] file, int[] model) {
        if (Arrays.equals(file, model)) {
            return true;
        }
        boolean fileScalar = file.length == 0 || (file.length == 1 && file[0] == 1);
        boolean modelScalar = model.length == 0 || (model.length == 1 && model[0] == 1);
        return fileScalar && modelScalar;
    }

    /** Streams the tensor's bytes through {@code md} (if non-null) and decodes them into {@code dst} (if non-null). */
    private void readInto(TensorInfo t, float[] dst, int dstOffset, MessageDigest md) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int elemBytes = t.dtype().byteSize();
        int chunkBytes = CHUNK_BYTES / elemBytes * elemBytes;
        long pos = t.begin();
        int i = dstOffset;
        while (pos < t.end()) {
            int n = (int) Math.min(chunkBytes, t.end() - pos);
            buf.clear().limit(n);
            try {
                readFully(channel, buf, dataStart + pos);
            } catch (EOFException e) {
                throw new SafetensorsException(file, "truncated file while reading tensor=" + t.name()
                        + ", fileOffset=" + (dataStart + pos));
            }
            buf.flip();
            if (md != null) {
                md.update(buf.duplicate());
            }
            if (dst != null) {
                if (t.dtype() == DType.F32) {
                    buf.asFloatBuffer().get(dst, i, n / 4);
                    i += n / 4;
                } else {
                    while (buf.hasRemaining()) {
                        dst[i++] = t.dtype().readFloat(buf);
                    }
                }
            }
            pos += n;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new EOFException("unexpected end of file: position=" + pos);
            }
            pos += r;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

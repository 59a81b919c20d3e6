package io.ringclip.models.io;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files of float32 or int32, little-endian, C order: what {@code np.load}
 * reads and {@code np.save} writes.
 *
 * <pre>
 * bytes 0..5    \x93NUMPY
 * byte  6       major version (1, 2 or 3)
 * byte  7       minor version
 * bytes 8..9    HLEN, header length, u16 little-endian (v1); u32 at bytes 8..11 for v2/v3
 * next HLEN     header: a Python dict literal, space-padded, ending in '\n'
 *                 {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }
 * rest          raw elements, little-endian, C order (last index fastest)
 * </pre>
 * Writes v1.0 with the preamble + header padded to a multiple of 64 bytes (as numpy does); reads
 * v1.0, v2.0 and v3.0.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A float32 array: {@code data.length == product(shape)}. */
    public record Float32(int[] shape, float[] data) {
        public Float32 {
            shape = shape.clone();
            checkLength(shape, data.length);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    /** An int32 array: {@code data.length == product(shape)}. */
    public record Int32(int[] shape, int[] data) {
        public Int32 {
            shape = shape.clone();
            checkLength(shape, data.length);
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }
    }

    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        checkLength(shape, data.length);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(file, "<f4", shape, body.array());
    }

    public static void writeInt32(Path file, int[] data, int... shape) throws IOException {
        checkLength(shape, data.length);
        ByteBuffer body = ByteBuffer.allocate(Math.multiplyExact(data.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        body.asIntBuffer().put(data);
        write(file, "<i4", shape, body.array());
    }

    public static Float32 readFloat32(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Header h = readHeader(file, in, "<f4");
            ByteBuffer body = readBody(file, in, h);
            float[] data = new float[body.remaining() / 4];
            body.asFloatBuffer().get(data);
            return new Float32(h.shape, data);
        }
    }

    public static Int32 readInt32(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Header h = readHeader(file, in, "<i4");
            ByteBuffer body = readBody(file, in, h);
            int[] data = new int[body.remaining() / 4];
            body.asIntBuffer().get(data);
            return new Int32(h.shape, data);
        }
    }

    private static void write(Path file, String descr, int[] shape, byte[] body) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.length() == 0 ? "" : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int preamble = MAGIC.length + 2 + 2;
        int total = (preamble + dict.length() + 1 + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(total - preamble - dict.length() - 1) + "\n";
        if (header.length() > 0xFFFF) {
            throw new IllegalArgumentException("npy v1.0 header too long: headerLength=" + header.length());
        }
        ByteBuffer pre = ByteBuffer.allocate(preamble).order(ByteOrder.LITTLE_ENDIAN);
        pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        AtomicFiles.write(file, out -> {
            out.write(pre.array());
            out.write(headerBytes);
            out.write(body);
        });
    }

    private record Header(int[] shape, long numel) {}

    private static Header readHeader(Path file, InputStream in, String wantDescr) throws IOException {
        DataInputStream din = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        readFully(file, din, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a .npy file (bad magic): file=" + file);
        }
        int major = din.readUnsignedByte();
        din.readUnsignedByte(); // minor
        long headerLength;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(din.readShort()));
        } else if (major == 2 || major == 3) {
            headerLength = Integer.toUnsignedLong(Integer.reverseBytes(din.readInt()));
        } else {
            throw new IOException("unsupported .npy version: major=" + major + ", file=" + file);
        }
        if (headerLength > 1 << 24) {
            throw new IOException("corrupt .npy header length: headerLength=" + headerLength + ", file=" + file);
        }
        byte[] headerBytes = new byte[(int) headerLength];
        readFully(file, din, headerBytes);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        String descr = group(file, DESCR, header, "descr");
        if (!descr.equals(wantDescr)) {
            String hint = descr.equals("<f8") || descr.equals("<i8")
                    ? " (convert in numpy first, e.g. a.astype(np.float32 or np.int32))" : "";
            throw new IOException("unexpected .npy dtype: descr=" + descr + ", expected=" + wantDescr + hint + ", file=" + file);
        }
        if (group(file, FORTRAN, header, "fortran_order").equals("True")) {
            throw new IOException("Fortran-order .npy is not supported (save with np.ascontiguousarray): file=" + file);
        }
        String dims = group(file, SHAPE, header, "shape").trim();
        String[] parts = dims.isEmpty() ? new String[0] : dims.split("\\s*,\\s*");
        int count = parts.length > 0 && parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length;
        int[] shape = new int[count];
        long numel = 1;
        for (int i = 0; i < count; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad .npy shape: shape=(" + dims + "), file=" + file);
            }
            if (shape[i] < 0) {
                throw new IOException("bad .npy shape: shape=(" + dims + "), file=" + file);
            }
            numel *= shape[i];
            if (numel > Integer.MAX_VALUE / 4) {
                throw new IOException(".npy array too large: shape=(" + dims + "), file=" + file);
            }
        }
        return new Header(shape, numel);
    }

    private static ByteBuffer readBody(Path file, InputStream in, Header h) throws IOException {
        byte[] body = new byte[(int) (h.numel * 4)];
        try {
            readFully(file, new DataInputStream(in), body);
        } catch (EOFException e) {
            throw new IOException("truncated .npy data: shape=" + Arrays.toString(h.shape) + ", expectedBytes="
                    + body.length + ", file=" + file, e);
        }
        if (in.read() != -1) {
            throw new IOException("trailing bytes after .npy data: shape=" + Arrays.toString(h.shape) + ", file=" + file);
        }
        return ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void readFully(Path file, DataInputStream in, byte[] dst) throws IOException {
        try {
            in.readFully(dst);
        } catch (EOFException e) {
            EOFException eof = new EOFException("truncated .npy file: file=" + file);
            eof.initCause(e);
            throw eof;
        }
    }

    private static String group(Path file, Pattern p, String header, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException("bad .npy header, no '" + key + "': header=" + header.strip() + ", file=" + file);
        }
        return m.group(1);
    }

    private static void checkLength(int[] shape, int length) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension: shape=" + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("data length does not match shape: shape=" + Arrays.toString(shape)
                    + ", numel=" + n + ", length=" + length);
        }
    }
}

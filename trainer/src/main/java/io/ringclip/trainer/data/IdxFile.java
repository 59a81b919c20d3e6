package io.ringclip.trainer.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An unsigned-byte IDX file (the MNIST format), read whole into memory; gzip is detected by its
 * magic bytes, not the file name.
 *
 * <pre>
 *   offset 0  u8  0
 *   offset 1  u8  0
 *   offset 2  u8  element type   (0x08 = unsigned byte; the only one supported)
 *   offset 3  u8  ndims
 *   offset 4  i32 dims[ndims]    big-endian
 *   then      u8  data[prod(dims)], row-major
 * </pre>
 */
record IdxFile(int[] dims, byte[] data) {

    private static final int UNSIGNED_BYTE = 0x08;

    static IdxFile read(Path path) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path))) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw)) {
                return read(in, path);
            }
        }
    }

    private static IdxFile read(DataInputStream in, Path path) throws IOException {
        int zero = in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int ndims = in.readUnsignedByte();
        if (zero != 0 || type != UNSIGNED_BYTE || ndims == 0) {
            throw new IOException("not an unsigned-byte idx file: path=" + path + ", magic="
                    + String.format("0x%04x%02x%02x", zero, type, ndims));
        }
        int[] dims = new int[ndims];
        long count = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = in.readInt();
            count *= dims[i];
        }
        if (dims[0] < 0 || count < 0 || count > Integer.MAX_VALUE - 8) {
            throw new IOException("bad idx dimensions: path=" + path + ", dims=" + Arrays.toString(dims));
        }
        byte[] data = new byte[(int) count];
        try {
            in.readFully(data);
        } catch (java.io.EOFException e) {
            throw new IOException("truncated idx file: path=" + path + ", dims=" + Arrays.toString(dims), e);
        }
        return new IdxFile(dims, data);
    }
}

package io.ringclip.trainer.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a POSIX (ustar) tar stream entry by entry without buffering whole files: call
 * {@link #next()} for each header, then optionally {@link #readData} before the next call.
 * GNU long names ({@code L}) and pax {@code path} records ({@code x}) are honoured.
 *
 * <pre>
 * header block (512 bytes, ASCII, numbers octal):
 *   offset  length  field
 *   0       100     name (NUL-terminated)
 *   124     12      size (octal; base-256 if the high bit of byte 0 is set)
 *   148     8       checksum: sum of all header bytes, this field counted as spaces
 *   156     1       type: '0' or NUL file, '5' directory, 'L' GNU long name, 'x' pax, 'g' pax global
 *   257     6       magic "ustar"
 *   345     155     prefix (ustar): full name = prefix + "/" + name
 * then the data, padded with zeros to a multiple of 512; two zero blocks end the archive.
 * </pre>
 */
final class TarReader {

    static final int BLOCK = 512;

    /** A regular file entry; {@code dataOffset} is its first data byte within the archive. */
    record Entry(String name, long size, long dataOffset) {}

    private final InputStream in;
    private final String origin;
    private final byte[] header = new byte[BLOCK];
    private long position;
    /** Unread data bytes (plus padding) of the current entry, skipped by the next call. */
    private long pendingSkip;
    private long currentSize = -1;

    TarReader(InputStream in, String origin) {
        this.in = in;
        this.origin = origin;
    }

    /** The next regular file, or null at the end of the archive. */
    Entry next() throws IOException {
        String longName = null;
        while (true) {
            skipFully(pendingSkip);
            pendingSkip = 0;
            currentSize = -1;
            if (!readBlock()) {
                return null; // end of stream without end-of-archive blocks: tolerated
            }
            if (isZeroBlock()) {
                return null;
            }
            verifyChecksum();
            long size = parseSize();
            char type = (char) header[156];
            long dataOffset = position;
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            switch (type) {
                case 'L' -> longName = trimNul(new String(readBytes(size, padded), StandardCharsets.UTF_8));
                case 'x' -> {
                    String paxPath = paxPath(new String(readBytes(size, padded), StandardCharsets.UTF_8));
                    if (paxPath != null) {
                        longName = paxPath;
                    }
                }
                case '0', '\0' -> {
                    String name = longName != null ? longName : headerName();
                    pendingSkip = padded;
                    currentSize = size;
                    return new Entry(name, size, dataOffset);
                }
                default -> {
                    pendingSkip = padded; // directories, links, global pax headers: nothing to read
                    longName = null;
                }
            }
        }
    }

    /** The current entry's data; call at most once per entry, before {@link #next()}. */
    byte[] readData() throws IOException {
        if (currentSize < 0) {
            throw new IllegalStateException("no current tar entry: origin=" + origin);
        }
        byte[] data = readBytes(currentSize, pendingSkip);
        pendingSkip = 0;
        currentSize = -1;
        return data;
    }

    private byte[] readBytes(long size, long padded) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("tar entry too large to read into memory: origin=" + origin + ", size=" + size);
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length != size) {
            throw new EOFException("truncated tar entry: origin=" + origin + ", offset=" + position + ", size=" + size);
        }
        position += size;
        skipFully(padded - size);
        return data;
    }

    private boolean readBlock() throws IOException {
        int n = in.readNBytes(header, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n != BLOCK) {
            throw new EOFException("truncated tar header: origin=" + origin + ", offset=" + position);
        }
        position += BLOCK;
        return true;
    }

    private void skipFully(long bytes) throws IOException {
        long remaining = bytes;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar data: origin=" + origin + ", offset=" + position);
                }
                skipped = 1;
            }
            remaining -= skipped;
            position += skipped;
        }
    }

    private boolean isZeroBlock() {
        for (byte b : header) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private void verifyChecksum() throws IOException {
        long expected = parseOctal(148, 8);
        long actual = 0;
        for (int i = 0; i < BLOCK; i++) {
            actual += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (expected != actual) {
            throw new IOException("tar header checksum mismatch: origin=" + origin + ", offset=" + (position - BLOCK)
                    + ", expected=" + expected + ", actual=" + actual);
        }
    }

    private long parseSize() throws IOException {
        if ((header[124] & 0x80) != 0) { // GNU base-256 for sizes ≥ 8 GiB
            long value = header[124] & 0x7F;
            for (int i = 125; i < 136; i++) {
                value = (value << 8) | (header[i] & 0xFF);
            }
            return value;
        }
        return parseOctal(124, 12);
    }

    /** An octal field padded with spaces and/or NULs, e.g. {@code "0000644\0"}; empty means 0. */
    private long parseOctal(int offset, int length) throws IOException {
        String text = new String(header, offset, length, StandardCharsets.US_ASCII).replace('\0', ' ').strip();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad octal number in tar header: origin=" + origin + ", offset="
                    + (position - BLOCK + offset) + ", text=" + text);
        }
    }

    private String headerName() {
        String name = field(0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        String prefix = ustar ? field(345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private String field(int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String trimNul(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    /** The {@code path} value of pax records {@code "<len> path=<value>\n"}, or null. */
    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space >= 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }
}

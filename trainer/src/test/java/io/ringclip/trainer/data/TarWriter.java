package io.ringclip.trainer.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test-only ustar writer, independent of {@link TarReader}: regular files only. */
final class TarWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TarWriter add(String name, byte[] data) {
        return add(name, data, '0');
    }

    /** An entry of any type, e.g. 'L' (GNU long name) or 'x' (pax extended header). */
    TarWriter add(String name, byte[] data, char type) {
        byte[] header = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            int split = name.lastIndexOf('/', 155);
            put(header, 345, name.substring(0, split));
            put(header, 0, name.substring(split + 1));
        } else {
            put(header, 0, name);
        }
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", data.length));
        put(header, 136, "00000000000");
        header[156] = (byte) type;
        put(header, 257, "ustar");
        header[262] = 0;
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        out.writeBytes(header);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        return this;
    }

    TarWriter addText(String name, String text) {
        return add(name, text.getBytes(StandardCharsets.UTF_8));
    }

    byte[] finish() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}

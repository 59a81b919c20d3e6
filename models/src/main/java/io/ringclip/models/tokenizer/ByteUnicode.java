package io.ringclip.models.tokenizer;

import java.util.Arrays;

/**
 * GPT-2/CLIP's reversible byte → printable-character table ({@code bytes_to_unicode} in CLIP's
 * {@code simple_tokenizer.py}). Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to
 * themselves; the 68 others (controls, space, soft hyphen…) map to U+0100 onwards in byte order,
 * so space (0x20) becomes 'Ġ' (U+0120). BPE then works on strings with no whitespace, and
 * {@link #BASE_ORDER} is the order of the first 256 vocabulary entries.
 */
final class ByteUnicode {

    /** byte value → its character. */
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** character → byte value, or -1; indexed by char up to U+0143. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];
    /** Byte values in vocabulary order: printable ranges first, then the rest ascending. */
    static final int[] BASE_ORDER = new int[256];

    static {
        Arrays.fill(CHAR_TO_BYTE, -1);
        boolean[] printable = new boolean[256];
        int k = 0;
        int[][] ranges = {{'!', '~'}, {0xA1, 0xAC}, {0xAE, 0xFF}};
        for (int[] r : ranges) {
            for (int b = r[0]; b <= r[1]; b++) {
                printable[b] = true;
                BYTE_TO_CHAR[b] = (char) b;
                BASE_ORDER[k++] = b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable[b]) {
                BYTE_TO_CHAR[b] = (char) (256 + n++);
                BASE_ORDER[k++] = b;
            }
        }
        for (int b = 0; b < 256; b++) {
            CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
        }
    }

    private ByteUnicode() {}

    static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    /** UTF-8 bytes → one mapped character per byte. */
    static String encode(byte[] utf8) {
        char[] out = new char[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            out[i] = BYTE_TO_CHAR[utf8[i] & 0xFF];
        }
        return new String(out);
    }

    /** Appends the bytes behind the mapped characters of {@code s}; any other character is an error. */
    static void decode(String s, java.io.ByteArrayOutputStream out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("not a byte-level BPE character: char=U+"
                        + String.format("%04X", (int) c) + ", token=" + s);
            }
            out.write(b);
        }
    }
}

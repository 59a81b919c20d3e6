package io.ringclip.trainer.data;

import io.ringclip.models.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Test-only tokenizer: one token per UTF-8 byte (id = byte + 1), sot = 257, eot = 258 (highest). */
public final class ByteTokenizer implements Tokenizer {

    public static final int SOT = 257;
    public static final int EOT = 258;

    @Override
    public int[] encode(String text, int contextLength) {
        int[] ordinary = encodeOrdinary(text);
        int[] tokens = new int[contextLength];
        int n = Math.min(ordinary.length, contextLength - 2);
        tokens[0] = SOT;
        System.arraycopy(ordinary, 0, tokens, 1, n);
        tokens[n + 1] = EOT;
        return tokens;
    }

    @Override
    public int[] encodeOrdinary(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = (bytes[i] & 0xFF) + 1;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id >= 1 && id <= 256) {
                bytes[n++] = (byte) (id - 1);
            }
        }
        return new String(Arrays.copyOf(bytes, n), StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return 259;
    }

    @Override
    public int startOfText() {
        return SOT;
    }

    @Override
    public int endOfText() {
        return EOT;
    }
}

package io.ringclip.models.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static io.ringclip.models.testing.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The tiled FlashAttention kernel against the plain one (the reference): outputs and qkv gradients agree
 * to 2e-5 at token counts below, at, and not a multiple of the tile, causal and not.
 */
class AttentionParityTest {

    @ParameterizedTest(name = "B={0} T={1} H={2} D={3} causal={4}")
    @CsvSource({
            "2, 1, 2, 8, false", "2, 7, 2, 8, true", "3, 32, 4, 8, false", "2, 33, 4, 8, true",
            "2, 50, 4, 32, false", "2, 64, 2, 8, true", "1, 77, 3, 16, true", "1, 100, 2, 4, false",
            "1, 129, 2, 8, true"})
    void flashMatchesPlainValuesAndGradients(int b, int t, int h, int d, boolean causal) {
        SplittableRandom rng = new SplittableRandom(t * 31L + h);
        int c = h * d;
        float[] qkv = random(rng, b * t * 3 * c, 1.5);
        float[] dout = random(rng, b * t * c, 1);
        float[] outPlain = new float[b * t * c], outFlash = new float[b * t * c];
        float[] probs = new float[b * h * t * t], lse = new float[b * h * t];
        Attention.forward(outPlain, probs, qkv, b, t, h, d, causal, 2);
        FlashAttention.forward(outFlash, lse, qkv, b, t, h, d, causal, 2);
        assertArrayEquals(outPlain, outFlash, 2e-5f, "outputs");
        float[] dPlain = new float[qkv.length], dFlash = new float[qkv.length];
        Attention.backward(dPlain, dout, qkv, probs, b, t, h, d, causal, 2);
        FlashAttention.backward(dFlash, dout, outFlash, lse, qkv, b, t, h, d, causal, 2);
        assertArrayEquals(dPlain, dFlash, 2e-5f, "qkv gradients");
    }
}

package io.ringclip.models.nn;

import io.ringclip.models.tensor.Precision;
import io.ringclip.models.tensor.SavedActivation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static io.ringclip.models.testing.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * GELU and attention backward reading a 16-bit saved activation piece by piece give exactly what the
 * float[] versions give on the fully unpacked values (lengths across the decode block and tails).
 */
class SavedActivationOpsTest {

    private static SavedActivation saved(Precision p, float[] values) {
        SavedActivation s = new SavedActivation(p, values.length, new float[values.length]);
        System.arraycopy(values, 0, s.writeBuffer(), 0, values.length);
        s.commit(values.length);
        return s;
    }

    private static float[] unpacked(SavedActivation s, int n) {
        float[] x = new float[n];
        s.decode(0, n, x, 0);
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 2047, 2049, 70_001})
    void geluFromSixteenBitsMatchesGeluOfUnpackedValues(int n) {
        for (Precision p : new Precision[] {Precision.FP16, Precision.BF16}) {
            SplittableRandom rng = new SplittableRandom(n);
            SavedActivation x = saved(p, random(rng, n, 3));
            float[] xs = unpacked(x, n);
            float[] dy = random(rng, n, 1);
            float[] y = new float[n], yRef = new float[n];
            Gelu.forward(y, x, n, 2);
            Gelu.forward(yRef, xs, n, 2);
            assertArrayEquals(yRef, y, p + " forward");
            float[] dx = random(rng, n, 1), dxRef = dx.clone();
            Gelu.backward(dx, true, dy, x, n, 2);
            Gelu.backward(dxRef, true, dy, xs, n, 2);
            assertArrayEquals(dxRef, dx, p + " backward");
        }
    }

    @ParameterizedTest(name = "B={0} T={1} H={2} D={3} causal={4}")
    @CsvSource({"3, 7, 2, 8, true", "2, 50, 4, 32, false", "1, 77, 3, 16, true"})
    void attentionBackwardFromSixteenBitsMatchesUnpackedQkv(int b, int t, int h, int d, boolean causal) {
        SplittableRandom rng = new SplittableRandom(t);
        int c = h * d;
        SavedActivation qkv = saved(Precision.FP16, random(rng, b * t * 3 * c, 1.5));
        float[] q = unpacked(qkv, b * t * 3 * c);
        float[] dout = random(rng, b * t * c, 1);
        float[] out = new float[b * t * c], lse = new float[b * h * t], probs = new float[b * h * t * t];
        FlashAttention.forward(out, lse, q, b, t, h, d, causal, 2);
        float[] dFlash = new float[q.length], dFlashRef = new float[q.length];
        FlashAttention.backward(dFlash, dout, out, lse, qkv, b, t, h, d, causal, 2);
        FlashAttention.backward(dFlashRef, dout, out, lse, q, b, t, h, d, causal, 2);
        assertArrayEquals(dFlashRef, dFlash, "flash");
        Attention.forward(out, probs, q, b, t, h, d, causal, 2);
        float[] dPlain = new float[q.length], dPlainRef = new float[q.length];
        Attention.backward(dPlain, dout, qkv, probs, b, t, h, d, causal, 2);
        Attention.backward(dPlainRef, dout, q, probs, b, t, h, d, causal, 2);
        assertArrayEquals(dPlainRef, dPlain, "plain");
    }
}

package io.ringclip.models.tensor;

import io.ringclip.models.kernels.HalfFloats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Precision's conversions, split over threads from 65 536 elements, give exactly the single-call
 * HalfFloats results (offsets and odd lengths included, so chunk edges are not aligned).
 */
class PrecisionTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 65_535, 65_536, 200_003})
    void threadedConversionsMatchOneCall(int n) {
        SplittableRandom rng = new SplittableRandom(n);
        int off = 5;
        float[] x = new float[n + off + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-6, 6)));
        }
        x[off] = 1e6f; // beyond fp16: becomes inf

        float[] rounded = x.clone(), expected = x.clone();
        Precision.FP16.roundInPlace(rounded, off, n);
        HalfFloats.roundToFp16InPlace(expected, off, n);
        assertArrayEquals(expected, rounded, "fp16 round");
        rounded = x.clone();
        expected = x.clone();
        Precision.BF16.roundInPlace(rounded, off, n);
        HalfFloats.roundToBf16InPlace(expected, off, n);
        assertArrayEquals(expected, rounded, "bf16 round");

        short[] bits = new short[n + 2], bitsExpected = new short[n + 2];
        Precision.FP16.encode(x, off, bits, 2, n);
        HalfFloats.toFp16(x, off, bitsExpected, 2, n);
        assertArrayEquals(bitsExpected, bits, "fp16 encode");
        float[] back = new float[n + 1], backExpected = new float[n + 1];
        Precision.FP16.decode(bits, 2, back, 1, n);
        HalfFloats.fromFp16(bits, 2, backExpected, 1, n);
        assertArrayEquals(backExpected, back, "fp16 decode");

        Precision.BF16.encode(x, off, bits, 2, n);
        HalfFloats.toBf16(x, off, bitsExpected, 2, n);
        assertArrayEquals(bitsExpected, bits, "bf16 encode");
        Precision.BF16.decode(bits, 2, back, 1, n);
        HalfFloats.fromBf16(bits, 2, backExpected, 1, n);
        assertArrayEquals(backExpected, back, "bf16 decode");
    }
}

package io.ringclip.models.tensor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    @Test
    void arenaPacksNamedViewsContiguouslyAndZeroesGrads() {
        ParameterArena.Builder b = ParameterArena.builder();
        ParameterView w = b.add("w", 3, 4);
        ParameterView s = b.add("s");
        ParameterView v = b.add("v", 5);
        ParameterArena a = b.build();
        assertEquals(0, w.offset());
        assertEquals(12, s.offset());
        assertEquals(13, v.offset());
        assertEquals(18, a.size());
        assertEquals(0, s.rank());
        assertEquals(v, a.view("v"));
        a.grads()[17] = 3f;
        a.zeroGrads();
        assertEquals(0f, a.grads()[17]);
        assertThrows(IllegalArgumentException.class, () -> a.view("nope"));
        assertThrows(IllegalArgumentException.class, () -> ParameterArena.builder().add("x", 0));
        ParameterArena.Builder dup = ParameterArena.builder();
        dup.add("x", 1);
        assertThrows(IllegalArgumentException.class, () -> dup.add("x", 2));
    }

    @Test
    void fp16AndBf16RoundToNearestEvenAndFp16Overflows() {
        float[] x = {1f, 65504f, 65520f, 1e-8f, 1f + 1f / 1024 + 1f / 4096, Float.NaN};
        Precision.FP16.roundInPlace(x, 0, x.length);
        assertEquals(1f, x[0]);
        assertEquals(65504f, x[1]);
        assertEquals(Float.POSITIVE_INFINITY, x[2], "beyond fp16 range");
        assertEquals(0f, x[3]);
        assertEquals(1f + 1f / 1024, x[4]);
        assertTrue(Float.isNaN(x[5]));
        float[] y = {1f + 1f / 256, 1f + 3f / 256, 3e38f};
        Precision.BF16.roundInPlace(y, 0, y.length);
        assertEquals(1f, y[0], "tie to even");
        assertEquals(1f + 4f / 256, y[1], "tie to even (up)");
        assertTrue(Float.isFinite(y[2]));
        short[] packed = new short[3];
        float[] back = new float[3];
        float[] src = {0.1f, -2.5f, 1000f};
        for (Precision p : new Precision[] {Precision.FP16, Precision.BF16}) {
            p.encode(src, 0, packed, 0, 3);
            p.decode(packed, 0, back, 0, 3);
            float[] rounded = src.clone();
            p.roundInPlace(rounded, 0, 3);
            assertArrayEquals(rounded, back, 0f, p.name());
        }
    }

    @Test
    void savedActivationStoresHalfTheBytesAndReadsWhatForwardSaw() {
        float[] scratch = new float[4];
        SavedActivation s = new SavedActivation(Precision.BF16, 4, scratch);
        float[] buf = s.writeBuffer();
        buf[0] = 0.1f;
        buf[1] = 3f;
        s.commit(2);
        float[] seen = {buf[0], buf[1]};
        buf[0] = 99f; // scratch reused by someone else
        float[] back = s.read(new float[4], 2);
        assertEquals(seen[0], back[0]);
        assertEquals(seen[1], back[1]);
        assertEquals(8, s.bytes());
        assertEquals(16, new SavedActivation(Precision.FP32, 4, null).bytes());
    }

    @Test
    void parallelForCoversEveryIndexOnce() {
        for (int n : new int[] {0, 1, 3, 100}) {
            AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
            Parallel.forRange(n, 3, (s, e, w) -> {
                for (int i = s; i < e; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, hits.get(i));
            }
        }
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 2, (s, e, w) -> {
            throw new IllegalStateException("boom");
        }));
    }
}

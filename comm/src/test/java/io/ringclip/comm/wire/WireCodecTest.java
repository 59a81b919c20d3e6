package io.ringclip.comm.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.comm.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    /** Reference: pick the nearer of the two bf16 neighbours in double arithmetic, ties to the even one. */
    @Test
    void bf16RoundsToNearestEvenAgainstAReferenceOnTheTwoNeighbours() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            int bits = i < 1000 ? (0x7f7f0000 + i * 67) : random.nextInt(); // include the overflow edge
            float x = Float.intBitsToFloat(bits);
            if (Float.isNaN(x) || Float.isInfinite(x)) {
                assertEquals(Float.isNaN(x), Float.isNaN(Bf16.toFloat(Bf16.fromFloat(x))));
                continue;
            }
            int magBits = bits & 0x7fffffff;
            double mag = Math.abs((double) x);
            double down = Float.intBitsToFloat(magBits & 0xffff0000);
            double ulp = Math.scalb(1.0, Math.max(Math.getExponent(Float.intBitsToFloat(magBits & 0xffff0000)), -126) - 7);
            double up = down + ulp;
            double chosen;
            if (mag - down < up - mag) {
                chosen = down;
            } else if (up - mag < mag - down) {
                chosen = up;
            } else {
                chosen = ((magBits >>> 16) & 1) == 0 ? down : up;
            }
            float expected = (float) Math.copySign(chosen >= 0x1p128 ? Double.POSITIVE_INFINITY : chosen, x);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(Bf16.toFloat(Bf16.fromFloat(x))),
                    "bits=" + Integer.toHexString(bits));
        }
    }

    @Test
    void bf16TiesAndEdgesExplicitly() {
        assertEquals(1.0f, Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x3f808000)))); // tie -> even (down)
        assertEquals(Float.intBitsToFloat(0x3f820000), Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x3f818000)))); // tie -> even (up)
        assertEquals(Float.POSITIVE_INFINITY, Bf16.toFloat(Bf16.fromFloat(Float.MAX_VALUE)));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.toFloat(Bf16.fromFloat(Float.NEGATIVE_INFINITY)));
        assertEquals(-0.0f, Bf16.toFloat(Bf16.fromFloat(-0.0f)));
        assertEquals(0x80000000, Float.floatToRawIntBits(Bf16.toFloat(Bf16.fromFloat(-0.0f))));
    }

    @Test
    void encodeDecodeRoundTripsInLittleEndianLayout() {
        float[] src = {1.5f, -2.25f, 65504f, 1e-8f, 3.14159f, Float.NaN, -0.0f};
        WireCodec codec = new WireCodec();
        for (WireFormat wire : WireFormat.values()) {
            ByteBuffer buf = ByteBuffer.allocate(src.length * wire.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
            codec.encode(wire, src, 0, src.length, buf);
            float[] back = new float[src.length + 2];
            codec.decode(wire, buf, back, 1, src.length);
            float[] expected = src.clone();
            WireCodec.quantize(wire, expected, 0, expected.length);
            for (int i = 0; i < src.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(back[i + 1]), wire + " i=" + i);
            }
            assertEquals(0f, back[0]);
            assertEquals(0f, back[src.length + 1]);
        }
        // byte layout: fp32 1.5f = 0x3fc00000 little-endian; fp16 1.5 = 0x3e00 little-endian
        ByteBuffer fp32 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        codec.encode(WireFormat.FP32, src, 0, 1, fp32);
        assertArrayEquals(new byte[] {0, 0, (byte) 0xc0, 0x3f}, fp32.array());
        ByteBuffer fp16 = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
        codec.encode(WireFormat.FP16, src, 0, 1, fp16);
        assertArrayEquals(new byte[] {0, 0x3e}, fp16.array());
    }

    @Test
    void fp16QuantizationMatchesTheJdkConversion() {
        SplittableRandom random = new SplittableRandom(3);
        float[] x = new float[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 100);
        }
        float[] q = x.clone();
        WireCodec.quantize(WireFormat.FP16, q, 0, q.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), q[i]);
            assertTrue(Math.abs(q[i] - x[i]) <= Math.ulp(q[i]) * 4096, "fp16 error within half an fp16 ulp");
        }
    }
}

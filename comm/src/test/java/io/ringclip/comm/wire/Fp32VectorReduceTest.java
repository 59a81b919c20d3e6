package io.ringclip.comm.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SIMD fp32 reduce against the tile loop it replaces, bit for bit, including NaN, ±0 and ±inf. */
class Fp32VectorReduceTest {

    /** Around every vector width (4, 8, 16 lanes) and the tile size, plus empty. */
    private static final int[] LENGTHS = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 1000,
            WireReduce.TILE_ELEMENTS, WireReduce.TILE_ELEMENTS + 3, 70_001};
    private static final float[] SPECIAL = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, -Float.MAX_VALUE, 1e-40f};

    @Test
    void testsRunWithTheVectorApi() {
        assertTrue(Fp32VectorReduce.AVAILABLE, "surefire runs with --add-modules jdk.incubator.vector");
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceIntoShouldMatchTheTileLoop(ReduceOp op) {
        compare(op, false, 1, 21);
    }

    @ParameterizedTest
    @EnumSource(ReduceOp.class)
    void reduceFinishIntoShouldMatchTheTileLoop(ReduceOp op) {
        compare(op, true, 3, 23);
        compare(op, true, 1, 29);
    }

    private static void compare(ReduceOp op, boolean finish, int worldSize, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        WireReduce simd = new WireReduce(true);
        WireReduce tiles = new WireReduce(false);
        for (int length : LENGTHS) {
            for (boolean direct : new boolean[] {true, false}) {
                int xOffset = 3;
                float[] x = floats(random, xOffset + length + 2);
                ByteBuffer in = wire(floats(random, length), direct);
                float[] xSimd = x.clone();
                float[] xTiles = x.clone();
                ByteBuffer outSimd = ByteBuffer.allocateDirect(length * 4).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer outTiles = ByteBuffer.allocateDirect(length * 4).order(ByteOrder.LITTLE_ENDIAN);
                if (finish) {
                    simd.reduceFinishInto(WireFormat.FP32, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), xSimd, xOffset, outSimd, length, worldSize);
                    tiles.reduceFinishInto(WireFormat.FP32, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), xTiles, xOffset, outTiles, length, worldSize);
                } else {
                    simd.reduceInto(WireFormat.FP32, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), xSimd, xOffset, outSimd, length);
                    tiles.reduceInto(WireFormat.FP32, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), xTiles, xOffset, outTiles, length);
                }
                String where = "op=" + op + ", finish=" + finish + ", length=" + length + ", direct=" + direct;
                assertArrayEquals(bytes(outTiles), bytes(outSimd), where);
                assertArrayEquals(floatBits(xTiles), floatBits(xSimd), where);
            }
        }
    }

    /** Random values with a special value every few elements. */
    private static float[] floats(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(5) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : (float) random.nextGaussian() * 100;
        }
        return v;
    }

    /** Little-endian fp32 bytes of {@code v}; a heap buffer starts at position 3 of its array (a slice). */
    private static ByteBuffer wire(float[] v, boolean direct) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(v.length * 4) : ByteBuffer.allocate(v.length * 4 + 3).position(3).slice();
        b.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(v);
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.capacity()];
        b.duplicate().position(0).get(out);
        return out;
    }

    private static int[] floatBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }
}

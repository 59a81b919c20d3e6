package io.ringclip.comm.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The fused tile-by-tile reductions against the unfused reference: decode all, ReduceOp, encode all. */
class WireReduceTest {

    /** Awkward lengths around the tile size, plus empty and tiny ones. */
    private static final int[] LENGTHS = {0, 1, 3, 7, 13, 100, 257, WireReduce.TILE_ELEMENTS - 1,
            WireReduce.TILE_ELEMENTS, WireReduce.TILE_ELEMENTS + 1, 3 * WireReduce.TILE_ELEMENTS + 5};

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void reduceIntoShouldProduceTheSameWireBytesAsDecodeReduceEncode(WireFormat wire) {
        SplittableRandom random = new SplittableRandom(11);
        WireCodec codec = new WireCodec();
        WireReduce fused = new WireReduce();
        for (ReduceOp op : ReduceOp.values()) {
            for (int length : LENGTHS) {
                int xOffset = 5;
                float[] x = randomFloats(random, xOffset + length);
                ByteBuffer in = encoded(codec, wire, randomFloats(random, length));

                float[] acc = new float[length];
                codec.decode(wire, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), acc, 0, length);
                op.accumulate(acc, 0, x, xOffset, length);
                ByteBuffer expected = encoded(codec, wire, acc);

                ByteBuffer actual = ByteBuffer.allocateDirect(length * wire.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
                fused.reduceInto(wire, op, in, x, xOffset, actual, length);
                assertArrayEquals(bytes(expected), bytes(actual), () -> "wire=" + wire + ", op=" + op + ", length=" + length);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void reduceFinishIntoShouldMatchAccumulateFinishQuantizeEncode(WireFormat wire) {
        SplittableRandom random = new SplittableRandom(13);
        WireCodec codec = new WireCodec();
        WireReduce fused = new WireReduce();
        int worldSize = 3;
        for (ReduceOp op : ReduceOp.values()) {
            for (int length : LENGTHS) {
                int xOffset = 4;
                float[] x = randomFloats(random, xOffset + length + 1);
                ByteBuffer in = encoded(codec, wire, randomFloats(random, length));

                float[] expectedX = x.clone();
                fused.accumulate(wire, op, in, expectedX, xOffset, length);
                op.finish(expectedX, xOffset, length, worldSize);
                WireCodec.quantize(wire, expectedX, xOffset, length);
                ByteBuffer expectedOut = ByteBuffer.allocateDirect(length * wire.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
                codec.encode(wire, expectedX, xOffset, length, expectedOut);

                ByteBuffer actualOut = ByteBuffer.allocateDirect(length * wire.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
                fused.reduceFinishInto(wire, op, in, x, xOffset, actualOut, length, worldSize);
                assertArrayEquals(expectedX, x, () -> "stored: wire=" + wire + ", op=" + op + ", length=" + length);
                assertArrayEquals(bytes(expectedOut), bytes(actualOut),
                        () -> "encoded: wire=" + wire + ", op=" + op + ", length=" + length);
            }
        }
    }

    /** The ring reduces into the received frame itself: output a view of the input's bytes. */
    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void reducingInPlaceShouldMatchReducingIntoAnotherBuffer(WireFormat wire) {
        SplittableRandom random = new SplittableRandom(17);
        WireCodec codec = new WireCodec();
        for (WireReduce reducer : new WireReduce[] {new WireReduce(), new WireReduce(false)}) {
            for (ReduceOp op : ReduceOp.values()) {
                for (int length : LENGTHS) {
                    for (boolean finish : new boolean[] {false, true}) {
                        float[] x = randomFloats(random, 3 + length);
                        float[] xInPlace = x.clone();
                        ByteBuffer in = encoded(codec, wire, randomFloats(random, length));
                        ByteBuffer separate = ByteBuffer.allocateDirect(in.capacity()).order(ByteOrder.LITTLE_ENDIAN);
                        ByteBuffer sameBytes = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
                        if (finish) {
                            reducer.reduceFinishInto(wire, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), x, 3, separate, length, 3);
                            reducer.reduceFinishInto(wire, op, in, xInPlace, 3, sameBytes, length, 3);
                        } else {
                            reducer.reduceInto(wire, op, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), x, 3, separate, length);
                            reducer.reduceInto(wire, op, in, xInPlace, 3, sameBytes, length);
                        }
                        String what = "wire=" + wire + ", op=" + op + ", length=" + length + ", finish=" + finish;
                        assertArrayEquals(bytes(separate), bytes(in), what);
                        assertArrayEquals(x, xInPlace, what);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WireFormat.class)
    void accumulateShouldMatchDecodeThenReduce(WireFormat wire) {
        SplittableRandom random = new SplittableRandom(12);
        WireCodec codec = new WireCodec();
        WireReduce fused = new WireReduce();
        for (ReduceOp op : ReduceOp.values()) {
            for (int length : LENGTHS) {
                int dstOffset = 3;
                float[] dst = randomFloats(random, dstOffset + length + 2);
                ByteBuffer in = encoded(codec, wire, randomFloats(random, length));

                float[] decoded = new float[length];
                codec.decode(wire, in.duplicate().order(ByteOrder.LITTLE_ENDIAN), decoded, 0, length);
                float[] expected = dst.clone();
                op.accumulate(expected, dstOffset, decoded, 0, length);

                fused.accumulate(wire, op, in, dst, dstOffset, length);
                assertArrayEquals(expected, dst, () -> "wire=" + wire + ", op=" + op + ", length=" + length);
            }
        }
    }

    private static float[] randomFloats(SplittableRandom random, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) (random.nextDouble() * 200 - 100);
        }
        return a;
    }

    /** A direct little-endian buffer holding {@code values} in {@code wire} format, position 0. */
    private static ByteBuffer encoded(WireCodec codec, WireFormat wire, float[] values) {
        ByteBuffer b = ByteBuffer.allocateDirect(values.length * wire.bytesPerElement()).order(ByteOrder.LITTLE_ENDIAN);
        codec.encode(wire, values, 0, values.length, b);
        return b;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.capacity()];
        b.duplicate().clear().get(out);
        return out;
    }
}

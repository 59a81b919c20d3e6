package io.ringclip.comm.wire;

import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/**
 * Reductions that read one operand straight from received wire bytes, so a segment is never
 * decoded into a segment-sized float[] first. The work goes tile by tile ({@value #TILE_ELEMENTS}
 * elements, 8 KiB of fp32, which stays in L1): decode the wire tile (a bulk little-endian copy, or the
 * vectorised fp16/bf16 conversion loop), combine it with the float[] operand (an auto-vectorised
 * array loop), and for {@link #reduceInto} encode the result straight into the outgoing frame.
 *
 * <p>Why: per element this reads the wire bytes once, the float[] operand once and writes the result
 * once. The unfused path ({@link WireCodec#decode} the whole segment into scratch, {@link
 * ReduceOp#accumulate}, {@link WireCodec#encode}) streams three segment-sized passes through L2 and
 * is kept as the reference the tests compare against.
 *
 * <p>Wire buffers are little-endian with the elements from position 0. The output may be a view of the
 * input's own bytes (the ring reduces in place in the received frame): every element is read before
 * it is written, in both paths. Not thread-safe (one per op thread).
 */
public final class WireReduce {

    static final int TILE_ELEMENTS = 2048;

    private final float[] tile = new float[TILE_ELEMENTS];
    private final short[] halves = new short[TILE_ELEMENTS];
    /** fp32 reduces take {@link Fp32VectorReduce}'s single SIMD pass; false keeps the tile loop (the reference). */
    private final boolean vectorFp32;

    /** The fast path where the JVM has the Vector API. */
    public WireReduce() {
        this(Fp32VectorReduce.AVAILABLE);
    }

    /** @param vectorFp32 false: fp32 through the tile loop too, the reference the SIMD pass is tested against */
    public WireReduce(boolean vectorFp32) {
        if (vectorFp32 && !Fp32VectorReduce.AVAILABLE) {
            throw new IllegalStateException("the SIMD fp32 reduce needs --add-modules jdk.incubator.vector");
        }
        this.vectorFp32 = vectorFp32;
    }

    /** {@code dst[dstOffset + i] = dst[dstOffset + i] (op) wireIn[i]} for i in [0, length). */
    public void accumulate(WireFormat wire, ReduceOp op, ByteBuffer wireIn, float[] dst, int dstOffset, int length) {
        FloatBuffer floats = wire == WireFormat.FP32 ? wireIn.asFloatBuffer() : null;
        ShortBuffer shorts = wire == WireFormat.FP32 ? null : wireIn.asShortBuffer();
        for (int done = 0; done < length; done += TILE_ELEMENTS) {
            int n = Math.min(TILE_ELEMENTS, length - done);
            decodeTile(wire, floats, shorts, done, n);
            op.accumulate(dst, dstOffset + done, tile, 0, n);
        }
    }

    /**
     * {@code wireOut[i] = wireIn[i] (op) x[xOffset + i]} for i in [0, length), encoded in {@code wire}:
     * a received partial reduction plus this rank's contribution, written straight into the next frame.
     */
    public void reduceInto(WireFormat wire, ReduceOp op, ByteBuffer wireIn, float[] x, int xOffset, ByteBuffer wireOut,
            int length) {
        reduceTiles(wire, op, wireIn, x, xOffset, wireOut, length, false, 0);
    }

    /**
     * The owner's last reduce-scatter step, fused: {@code r = finish(wireIn[i] (op) x[xOffset + i])},
     * rounded to {@code wire}, is stored back into {@code x[xOffset + i]} and encoded into {@code wireOut}
     * (the first allgather frame), for i in [0, length). Bit-identical to {@link #accumulate} into x,
     * {@link ReduceOp#finish}, {@link WireCodec#quantize} and {@link WireCodec#encode} in turn (SUM and
     * MAX are commutative bit for bit), in one pass instead of three.
     */
    public void reduceFinishInto(WireFormat wire, ReduceOp op, ByteBuffer wireIn, float[] x, int xOffset,
            ByteBuffer wireOut, int length, int worldSize) {
        reduceTiles(wire, op, wireIn, x, xOffset, wireOut, length, true, worldSize);
    }

    /**
     * The tile loop of {@link #reduceInto} and, with {@code finishAndStore}, {@link #reduceFinishInto}
     * (each reduced tile is also finished for {@code worldSize}, rounded and stored back into x).
     */
    private void reduceTiles(WireFormat wire, ReduceOp op, ByteBuffer wireIn, float[] x, int xOffset,
            ByteBuffer wireOut, int length, boolean finishAndStore, int worldSize) {
        boolean fp32 = wire == WireFormat.FP32;
        if (fp32 && vectorFp32) {
            Fp32VectorReduce.reduce(op, wireIn, x, xOffset, wireOut, length, finishAndStore, worldSize);
            return;
        }
        FloatBuffer inFloats = fp32 ? wireIn.asFloatBuffer() : null;
        ShortBuffer inShorts = fp32 ? null : wireIn.asShortBuffer();
        FloatBuffer outFloats = fp32 ? wireOut.asFloatBuffer() : null;
        ShortBuffer outShorts = fp32 ? null : wireOut.asShortBuffer();
        for (int done = 0; done < length; done += TILE_ELEMENTS) {
            int n = Math.min(TILE_ELEMENTS, length - done);
            decodeTile(wire, inFloats, inShorts, done, n);
            op.accumulate(tile, 0, x, xOffset + done, n);
            if (finishAndStore) {
                op.finish(tile, 0, n, worldSize);
                WireCodec.quantize(wire, tile, 0, n);
                System.arraycopy(tile, 0, x, xOffset + done, n);
            }
            encodeTile(wire, outFloats, outShorts, done, n);
        }
    }

    /** tile[0, n) = elements [at, at + n) of the wire view. */
    private void decodeTile(WireFormat wire, FloatBuffer floats, ShortBuffer shorts, int at, int n) {
        switch (wire) {
            case FP32 -> floats.get(at, tile, 0, n);
            case FP16 -> {
                shorts.get(at, halves, 0, n);
                for (int i = 0; i < n; i++) {
                    tile[i] = Float.float16ToFloat(halves[i]);
                }
            }
            case BF16 -> {
                shorts.get(at, halves, 0, n);
                for (int i = 0; i < n; i++) {
                    tile[i] = Bf16.toFloat(halves[i]);
                }
            }
        }
    }

    /** Elements [at, at + n) of the wire view = tile[0, n). */
    private void encodeTile(WireFormat wire, FloatBuffer floats, ShortBuffer shorts, int at, int n) {
        switch (wire) {
            case FP32 -> floats.put(at, tile, 0, n);
            case FP16 -> {
                for (int i = 0; i < n; i++) {
                    halves[i] = Float.floatToFloat16(tile[i]);
                }
                shorts.put(at, halves, 0, n);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    halves[i] = Bf16.fromFloat(tile[i]);
                }
                shorts.put(at, halves, 0, n);
            }
        }
    }
}

package io.ringclip.comm.wire;

import io.ringclip.comm.ReduceOp;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fp32 reduce of a ring step in one SIMD pass straight over the wire buffers: each vector is
 * loaded from the received bytes, combined with the float[] operand and stored into the outgoing
 * frame. {@link WireReduce}'s tile loop does the same work through an L1 tile (bulk copy in, add,
 * bulk copy out); that is two extra copies per element, and on a machine whose cores the ranks share,
 * CPU per byte decides the ring's speed. The tile loop stays as the reference and the path for fp16
 * and bf16; {@code Fp32VectorReduceTest} compares the two bit for bit.
 *
 * <p>Wire buffers: little-endian fp32 from position 0. Only used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} ({@link #AVAILABLE}); ringclip's launcher, container
 * entrypoint and tests always do.
 */
final class Fp32VectorReduce {

    /** Whether the Vector API module is in the boot layer; without it {@link WireReduce} uses its tile loop. */
    static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Fp32VectorReduce() {}

    /**
     * {@code out[i] = in[i] (op) x[xOffset + i]}, and with {@code finishAndStore} also finished for
     * {@code worldSize} (AVG divides) and stored back into {@code x[xOffset + i]}, for i in [0, length).
     */
    static void reduce(ReduceOp op, ByteBuffer in, float[] x, int xOffset, ByteBuffer out, int length,
            boolean finishAndStore, int worldSize) {
        Kernel.reduce(op, in, x, xOffset, out, length, finishAndStore, worldSize);
    }

    /** Holds the Vector API types, so this class loads only when {@link #AVAILABLE} said it may. */
    private static final class Kernel {

        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
        private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);

        static void reduce(ReduceOp op, ByteBuffer in, float[] x, int xOffset, ByteBuffer out, int length,
                boolean finishAndStore, int worldSize) {
            MemorySegment src = MemorySegment.ofBuffer(in);
            MemorySegment dst = MemorySegment.ofBuffer(out);
            boolean max = op == ReduceOp.MAX;
            boolean divide = finishAndStore && op == ReduceOp.AVG && worldSize > 1;
            float n = worldSize;
            int i = 0;
            for (int bound = F.loopBound(length); i < bound; i += F.length()) {
                FloatVector a = FloatVector.fromMemorySegment(F, src, (long) i * Float.BYTES, LE);
                FloatVector b = FloatVector.fromArray(F, x, xOffset + i);
                FloatVector r = max ? a.max(b) : a.add(b);
                if (divide) {
                    r = r.div(n);
                }
                if (finishAndStore) {
                    r.intoArray(x, xOffset + i);
                }
                r.intoMemorySegment(dst, (long) i * Float.BYTES, LE);
            }
            for (; i < length; i++) { // the tail, in the same arithmetic
                float a = src.get(FLOAT_LE, (long) i * Float.BYTES);
                float b = x[xOffset + i];
                float r = max ? Math.max(a, b) : a + b;
                if (divide) {
                    r /= n;
                }
                if (finishAndStore) {
                    x[xOffset + i] = r;
                }
                dst.set(FLOAT_LE, (long) i * Float.BYTES, r);
            }
        }
    }
}

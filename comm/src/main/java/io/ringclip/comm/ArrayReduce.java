package io.ringclip.comm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code acc[accOffset + i] = acc[accOffset + i] (op) x[xOffset + i]} over float arrays, in SIMD
 * where the JVM has the Vector API. Why not a plain loop: C2 in JDK 25 leaves
 * {@code acc[a + i] += x[b + i]} over two array parameters scalar when the offsets differ (they
 * might be one array, overlapping), as in {@code WireReduce}'s tile loop (a = 0, b moving): measured
 * 1.6-3.0 G elements/s, against 13 for equal offsets and 26 for one array. {@link #accumulateReference}
 * is that plain loop, the reference the tests compare with (float add and {@link Math#max} are the
 * same operations lane by lane, so results agree bit for bit).
 */
final class ArrayReduce {

    /** Whether the Vector API module is in the boot layer; without it the plain loop runs. */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private ArrayReduce() {}

    static void accumulate(boolean max, float[] acc, int accOffset, float[] x, int xOffset, int length) {
        if (VECTOR) {
            Kernel.accumulate(max, acc, accOffset, x, xOffset, length);
        } else {
            accumulateReference(max, acc, accOffset, x, xOffset, length);
        }
    }

    static void accumulateReference(boolean max, float[] acc, int accOffset, float[] x, int xOffset, int length) {
        if (max) {
            for (int i = 0; i < length; i++) {
                acc[accOffset + i] = Math.max(acc[accOffset + i], x[xOffset + i]);
            }
        } else {
            for (int i = 0; i < length; i++) {
                acc[accOffset + i] += x[xOffset + i];
            }
        }
    }

    /** Holds the Vector API types, so this class loads only when {@link #VECTOR} said it may. */
    private static final class Kernel {

        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

        static void accumulate(boolean max, float[] acc, int accOffset, float[] x, int xOffset, int length) {
            int i = 0;
            for (int bound = F.loopBound(length); i < bound; i += F.length()) {
                FloatVector a = FloatVector.fromArray(F, acc, accOffset + i);
                FloatVector b = FloatVector.fromArray(F, x, xOffset + i);
                (max ? a.max(b) : a.add(b)).intoArray(acc, accOffset + i);
            }
            accumulateReference(max, acc, accOffset + i, x, xOffset + i, length - i);
        }
    }
}

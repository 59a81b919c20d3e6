package io.ringclip.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The arrival-driven ring allreduce (fast path) against the op-thread ring (reference path): the
 * same inputs on two clusters of the same world size must give bit-identical results on every rank,
 * for every reduce op and wire format, at sizes that do not divide by the world size or the segment.
 */
public final class RingParity {

    /** Element counts: fewer than the ranks, awkward primes, several segments per chunk. */
    public static final int[] SIZES = {1, 3, 13, 100, 1_001, 4_099};

    private RingParity() {}

    /** Configs for the two paths: tiny segments (many per chunk) and the ring at every size. */
    public static CommConfig config(boolean arrivalDriven) {
        return CollectivesContract.tinySegments().withSegmentBytes(64).withSmallMessageThresholdBytes(0)
                .withArrivalDriven(arrivalDriven);
    }

    public static void assertSameResults(List<Communicator> fast, List<Communicator> reference) {
        int n = fast.size();
        assertEquals(n, reference.size());
        for (Communicator c : fast) {
            assertTrue(((TransportCommunicator) c).arrivalDrivenRing(), "fast path in use: rank=" + c.rank());
        }
        for (Communicator c : reference) {
            assertTrue(!((TransportCommunicator) c).arrivalDrivenRing(), "reference path in use: rank=" + c.rank());
        }
        SplittableRandom random = new SplittableRandom(n);
        int offset = 3; // a range that does not start at 0
        for (int size : SIZES) {
            for (ReduceOp op : ReduceOp.values()) {
                for (WireFormat wire : WireFormat.values()) {
                    float[][] in = new float[n][offset + size + 2];
                    for (float[] x : in) {
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) random.nextGaussian();
                        }
                    }
                    List<float[]> got = run(fast, in, offset, size, op, wire);
                    List<float[]> want = run(reference, in, offset, size, op, wire);
                    for (int r = 0; r < n; r++) {
                        assertArrayEquals(want.get(r), got.get(r), "rank=" + r + ", size=" + size + ", op=" + op
                                + ", wire=" + wire + ", worldSize=" + n);
                    }
                }
            }
        }
    }

    private static List<float[]> run(List<Communicator> comms, float[][] in, int offset, int size, ReduceOp op,
            WireFormat wire) {
        return ClusterRun.onAllRanks(comms, Duration.ofSeconds(60), c -> {
            float[] data = in[c.rank()].clone();
            c.allReduce(data, offset, size, op, wire);
            return data;
        });
    }
}

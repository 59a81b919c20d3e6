package io.ringclip.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringclip.comm.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Every operation against {@link NaiveReference}, the same checks for every transport. Runs inside
 * one rank's thread: each rank rebuilds every rank's input from a seed, so it can compute the
 * expected output on its own.
 *
 * <p>Inputs are small integers, so every sum is exact in fp32, fp16 and bf16 and the comparison is
 * bit for bit, whatever order the ring adds in. A random-float check covers rounding separately.
 */
public final class CollectivesContract {

    /** Sizes that do not divide by typical world sizes; with 3-element segments every chunk is multi-segment. */
    public static final int[] SIZES = {0, 1, 7, 100, 1001};

    private CollectivesContract() {}

    /**
     * 3 floats per segment forces many segments per chunk; 64 bytes (16 floats) is the switch from
     * the direct exchange to the ring, so SIZES cover both paths.
     */
    public static CommConfig tinySegments() {
        return CommConfig.defaults()
                .withSegmentBytes(12)
                .withSmallMessageThresholdBytes(64)
                .withOpTimeout(Duration.ofSeconds(60))
                .withMeterRegistry(new SimpleMeterRegistry());
    }

    public static float value(int rank, int i, int salt) {
        return Math.floorMod(rank * 31 + i * 17 + salt * 7, 17) - 8;
    }

    public static float[] input(int rank, int length, int salt) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = value(rank, i, salt);
        }
        return x;
    }

    public static float[][] inputs(int n, int length, int salt) {
        float[][] all = new float[n][];
        for (int r = 0; r < n; r++) {
            all[r] = input(r, length, salt);
        }
        return all;
    }

    /** Uneven per-rank counts summing to {@code size}, with zeros for some ranks when size is small. */
    public static int[] unevenCounts(int n, int size) {
        int[] counts = new int[n];
        int left = size;
        for (int r = 0; r < n - 1; r++) {
            counts[r] = Math.min(left, (size * (r + 1) * 2) / (n * (n + 1)) + (r % 2));
            left -= counts[r];
        }
        counts[n - 1] = left;
        return counts;
    }

    public static int[] evenCounts(int n, int perRank) {
        int[] counts = new int[n];
        Arrays.fill(counts, perRank);
        return counts;
    }

    /** Runs every operation at every size on this rank; returns normally iff all matched. */
    public static void runAll(Communicator c) {
        int n = c.worldSize();
        int rank = c.rank();
        int salt = 0;
        for (int size : SIZES) {
            for (ReduceOp op : ReduceOp.values()) {
                for (WireFormat wire : WireFormat.values()) {
                    salt++;
                    float[][] in = inputs(n, size, salt);
                    float[] data = guarded(in[rank], 3, 2);
                    c.allReduce(data, 3, size, op, wire);
                    float[] expected = NaiveReference.allReduce(in, op);
                    if (op == ReduceOp.AVG && wire != WireFormat.FP32) {
                        // sums of small integers are exact; the averages are not, and the ring
                        // shares them in the wire format: accept the exact value or its wire rounding
                        float[] rounded = expected.clone();
                        WireCodec.quantize(wire, rounded, 0, rounded.length);
                        for (int i = 0; i < size; i++) {
                            if (data[3 + i] == rounded[i]) {
                                expected[i] = rounded[i];
                            }
                        }
                    }
                    assertGuardedEquals(expected, data, 3, 2,
                            "allReduce op=" + op + ", wire=" + wire + ", size=" + size + ", rank=" + rank);
                }
            }
            for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.AVG, ReduceOp.MAX}) {
                for (WireFormat wire : new WireFormat[] {WireFormat.FP32, WireFormat.BF16}) {
                    salt++;
                    int[] counts = unevenCounts(n, size);
                    float[][] in = inputs(n, size, salt);
                    float[] input = in[rank].clone();
                    float[] out = new float[counts[rank] + 3];
                    Arrays.fill(out, 99f);
                    c.reduceScatter(input, out, 1, counts, op, wire);
                    assertArrayEquals(in[rank], input, "reduceScatter leaves its input alone");
                    float[] expected = NaiveReference.reduceScatter(in, counts, rank, op);
                    assertArrayEquals(expected, Arrays.copyOfRange(out, 1, 1 + counts[rank]),
                            "reduceScatter op=" + op + ", wire=" + wire + ", size=" + size + ", counts="
                                    + Arrays.toString(counts) + ", rank=" + rank);
                    assertEquals(99f, out[0]);
                    assertEquals(99f, out[out.length - 1]);
                }
            }
            for (int[] counts : List.of(evenCounts(n, size), unevenCounts(n, size))) {
                salt++;
                float[][] blocks = new float[n][];
                for (int r = 0; r < n; r++) {
                    blocks[r] = input(r, counts[r], salt);
                }
                float[] input = guarded(blocks[rank], 2, 0);
                float[] out = new float[Arrays.stream(counts).sum()];
                c.allGather(input, 2, out, counts);
                assertArrayEquals(NaiveReference.allGather(blocks), out,
                        "allGather counts=" + Arrays.toString(counts) + ", rank=" + rank);
            }
            for (int root : new int[] {0, n - 1, n / 2}) {
                salt++;
                float[] data = guarded(rank == root ? input(root, size, salt) : new float[size], 1, 1);
                c.broadcast(data, 1, size, root);
                assertGuardedEquals(input(root, size, salt), data, 1, 1, "broadcast root=" + root + ", size=" + size);
            }
            salt++;
            float[] send = input(rank, size, salt);
            float[] recv = new float[size + 1];
            c.sendRecv(send, 0, recv, 1, size);
            assertArrayEquals(input((rank - 1 + n) % n, size, salt), Arrays.copyOfRange(recv, 1, size + 1),
                    "sendRecv size=" + size + ", rank=" + rank);
            c.barrier();
        }
    }

    /**
     * Random gaussian data: every rank ends with bit-identical results for every wire format, within
     * the wire format's rounding of the exact sum (each value is rounded at most once per hop).
     */
    public static void randomFloatsAgreeAcrossRanks(List<Communicator> comms, int size) {
        int n = comms.size();
        for (WireFormat wire : WireFormat.values()) {
            float[][] in = new float[n][size];
            SplittableRandom random = new SplittableRandom(wire.ordinal());
            for (float[] x : in) {
                for (int i = 0; i < size; i++) {
                    x[i] = (float) random.nextGaussian();
                }
            }
            List<float[]> results = ClusterRun.onAllRanks(comms, Duration.ofSeconds(120), c -> {
                float[] data = in[c.rank()].clone();
                c.allReduce(data, 0, size, ReduceOp.SUM, wire);
                return data;
            });
            float[] expected = NaiveReference.allReduce(in, ReduceOp.SUM);
            double unit = switch (wire) {
                case FP32 -> 0x1p-23;
                case FP16 -> 0x1p-10;
                case BF16 -> 0x1p-7;
            };
            for (int r = 1; r < n; r++) {
                assertArrayEquals(results.get(0), results.get(r), "bit-identical across ranks: wire=" + wire + ", rank=" + r);
            }
            for (int i = 0; i < size; i++) {
                double magnitude = 0;
                for (float[] x : in) {
                    magnitude += Math.abs(x[i]);
                }
                double tolerance = (n + 1) * unit * (magnitude + Math.abs(expected[i])) + 1e-30;
                float got = results.get(0)[i];
                assertTrue(Math.abs(got - expected[i]) <= tolerance, "wire=" + wire + ", i=" + i + ", expected="
                        + expected[i] + ", got=" + got + ", tolerance=" + tolerance);
            }
        }
    }

    /** Several async operations in flight at once complete in order with the right results. */
    public static void asyncOperationsQueueInOrder(Communicator c) {
        int n = c.worldSize();
        int rank = c.rank();
        List<float[]> buffers = new ArrayList<>();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            float[] data = input(rank, 50 + k, 1000 + k);
            buffers.add(data);
            futures.add(c.allReduceAsync(data, 0, data.length, ReduceOp.SUM, WireFormat.FP32));
        }
        int[] counts = unevenCounts(n, 40);
        float[] gathered = new float[40];
        float[] block = input(rank, counts[rank], 77);
        futures.add(c.allGatherAsync(block, 0, gathered, counts));
        float[] ring = new float[9];
        futures.add(c.sendRecvAsync(input(rank, 9, 88), 0, ring, 0, 9));
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        for (int k = 0; k < 5; k++) {
            assertArrayEquals(NaiveReference.allReduce(inputs(n, 50 + k, 1000 + k), ReduceOp.SUM), buffers.get(k));
        }
        float[][] blocks = new float[n][];
        for (int r = 0; r < n; r++) {
            blocks[r] = input(r, counts[r], 77);
        }
        assertArrayEquals(NaiveReference.allGather(blocks), gathered);
        assertArrayEquals(input((rank - 1 + n) % n, 9, 88), ring);
    }

    private static float[] guarded(float[] body, int before, int after) {
        float[] out = new float[before + body.length + after];
        Arrays.fill(out, -777f);
        System.arraycopy(body, 0, out, before, body.length);
        return out;
    }

    private static void assertGuardedEquals(float[] expected, float[] actual, int before, int after, String what) {
        for (int i = 0; i < before; i++) {
            assertEquals(-777f, actual[i], "guard before untouched: " + what);
        }
        for (int i = 0; i < after; i++) {
            assertEquals(-777f, actual[actual.length - 1 - i], "guard after untouched: " + what);
        }
        assertArrayEquals(expected, Arrays.copyOfRange(actual, before, before + expected.length), what);
    }
}

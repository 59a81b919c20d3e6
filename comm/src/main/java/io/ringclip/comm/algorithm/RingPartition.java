package io.ringclip.comm.algorithm;

import java.util.Arrays;

/**
 * The index arithmetic of the ring, in one place.
 *
 * <p>Vocabulary (as in gloo's ring): a buffer range {@code [base, base+count)} is cut into one
 * <em>chunk</em> per rank (chunk c is owned by rank c after reduce-scatter); each chunk is cut into
 * <em>segments</em> of at most {@code segmentElements}, the unit that moves and is reduced while the
 * next one is on the wire. Chunk lengths may differ (uneven allgather counts, or a count that does
 * not divide by the world size); segment k of chunk c starts at {@code chunkOffset(c) + k*segmentElements}.
 *
 * <p>Schedule for n ranks, steps s = 0..n-2, with rank r sending to r+1 and receiving from r-1:
 * <pre>
 *   reduce-scatter: send chunk (r - s - 1) mod n, receive chunk (r - s - 2) mod n
 *                   (step 0 sends r's own data; at s = n-2 the received chunk is r: fully reduced)
 *   allgather:      send chunk (r - s)     mod n, receive chunk (r - s - 1) mod n
 *                   (step 0 sends r's own chunk; each received chunk is forwarded next step)
 * </pre>
 *
 * @param chunkOffsets absolute start of each chunk in the buffer, indexed by rank
 * @param chunkLengths elements in each chunk, indexed by rank
 * @param segmentElements maximum elements per segment (>= 1)
 */
public record RingPartition(int[] chunkOffsets, int[] chunkLengths, int segmentElements) {

    public RingPartition {
        if (chunkOffsets.length != chunkLengths.length || chunkOffsets.length == 0) {
            throw new IllegalArgumentException("one offset and length per rank needed: offsets="
                    + chunkOffsets.length + ", lengths=" + chunkLengths.length);
        }
        if (segmentElements < 1) {
            throw new IllegalArgumentException("segmentElements must be >= 1: segmentElements=" + segmentElements);
        }
        chunkOffsets = chunkOffsets.clone();
        chunkLengths = chunkLengths.clone();
    }

    /**
     * {@code [base, base+count)} in n nearly equal chunks: the first {@code count % n} chunks hold one
     * element more than the rest.
     */
    public static RingPartition balanced(int base, int count, int worldSize, int segmentElements) {
        if (count < 0 || worldSize < 1) {
            throw new IllegalArgumentException("bad partition: count=" + count + ", worldSize=" + worldSize);
        }
        int[] lengths = new int[worldSize];
        int quotient = count / worldSize;
        int remainder = count % worldSize;
        for (int c = 0; c < worldSize; c++) {
            lengths[c] = quotient + (c < remainder ? 1 : 0);
        }
        return ofCounts(base, lengths, segmentElements);
    }

    /** Chunks of the given lengths laid out back to back from {@code base} (rank order). */
    public static RingPartition ofCounts(int base, int[] counts, int segmentElements) {
        int[] offsets = new int[counts.length];
        long next = base;
        for (int c = 0; c < counts.length; c++) {
            if (counts[c] < 0) {
                throw new IllegalArgumentException("negative count: rank=" + c + ", count=" + counts[c]);
            }
            offsets[c] = (int) next;
            next += counts[c];
        }
        if (next > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("partition too large: end=" + next);
        }
        return new RingPartition(offsets, counts, segmentElements);
    }

    public int worldSize() {
        return chunkOffsets.length;
    }

    public int chunkOffset(int chunk) {
        return chunkOffsets[chunk];
    }

    public int chunkLength(int chunk) {
        return chunkLengths[chunk];
    }

    /** Total elements over all chunks. */
    public long count() {
        return Arrays.stream(chunkLengths).asLongStream().sum();
    }

    /** Number of segments chunk {@code chunk} is cut into (0 for an empty chunk). */
    public int segments(int chunk) {
        return (int) ((chunkLengths[chunk] + (long) segmentElements - 1) / segmentElements);
    }

    /** Absolute start of segment {@code k} of {@code chunk}. */
    public int segmentOffset(int chunk, int k) {
        return chunkOffsets[chunk] + k * segmentElements;
    }

    /** Elements in segment {@code k} of {@code chunk}: full except possibly the last. */
    public int segmentLength(int chunk, int k) {
        return Math.min(segmentElements, chunkLengths[chunk] - k * segmentElements);
    }

    /** What rank {@code rank} sends and receives at reduce-scatter step {@code step} (0 ≤ step ≤ n-2). */
    public RingStep reduceScatterStep(int rank, int step) {
        int n = worldSize();
        return step(Math.floorMod(rank - step - 1, n), Math.floorMod(rank - step - 2, n));
    }

    /** What rank {@code rank} sends and receives at allgather step {@code step} (0 ≤ step ≤ n-2). */
    public RingStep allGatherStep(int rank, int step) {
        int n = worldSize();
        return step(Math.floorMod(rank - step, n), Math.floorMod(rank - step - 1, n));
    }

    private RingStep step(int sendChunk, int recvChunk) {
        return new RingStep(sendChunk, chunkOffsets[sendChunk], chunkLengths[sendChunk],
                recvChunk, chunkOffsets[recvChunk], chunkLengths[recvChunk]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingPartition p && Arrays.equals(chunkOffsets, p.chunkOffsets)
                && Arrays.equals(chunkLengths, p.chunkLengths) && segmentElements == p.segmentElements;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(chunkOffsets) + Arrays.hashCode(chunkLengths)) + segmentElements;
    }

    @Override
    public String toString() {
        return "RingPartition[offsets=" + Arrays.toString(chunkOffsets) + ", lengths=" + Arrays.toString(chunkLengths)
                + ", segmentElements=" + segmentElements + "]";
    }
}

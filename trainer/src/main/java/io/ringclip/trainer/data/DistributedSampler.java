package io.ringclip.trainer.data;

/**
 * Decides which dataset indices each rank reads, batch after batch.
 *
 * <p>Vocabulary: an <em>epoch</em> is a seeded permutation of all {@code n} dataset indices, the
 * same on every rank. A <em>global batch</em> is {@code G = worldSize × batchPerRank} consecutive
 * positions of that permutation starting at the <em>cursor</em>; rank {@code r} takes positions
 * {@code [cursor + r·B, cursor + (r+1)·B)}. Hence N ranks × B read exactly the samples that
 * 1 rank × N·B reads, in the same order, and the ranks' slices are disjoint.
 *
 * <p>At the end of an epoch fewer than G positions may remain: with {@code dropLast} they are
 * skipped (a different tail each epoch, since the permutation changes); without it they form a
 * short global batch whose rank slices are clipped (possibly empty on the last ranks).
 */
public final class DistributedSampler {

    /** Stream id separating permutation randomness from other uses of the seed. */
    private static final long PERMUTATION_STREAM = 0x5EED_0001L;

    private final int datasetSize;
    private final int rank;
    private final int worldSize;
    private final int batchPerRank;
    private final long seed;
    private final boolean dropLast;

    private long cachedEpoch = -1;
    private int[] cachedPermutation;

    /** This rank's dataset indices for the global batch at {@code position}, and where the next starts. */
    public record Plan(LoaderPosition position, int[] datasetIndices, LoaderPosition next) {}

    public DistributedSampler(int datasetSize, int rank, int worldSize, int batchPerRank, long seed, boolean dropLast) {
        if (worldSize <= 0 || rank < 0 || rank >= worldSize || batchPerRank <= 0) {
            throw new IllegalArgumentException("bad sampler shape: rank=" + rank + ", worldSize=" + worldSize
                    + ", batchPerRank=" + batchPerRank);
        }
        long globalBatch = (long) worldSize * batchPerRank;
        if (datasetSize <= 0 || (dropLast && datasetSize < globalBatch)) {
            throw new IllegalArgumentException("dataset smaller than one global batch: datasetSize=" + datasetSize
                    + ", globalBatch=" + globalBatch + ", dropLast=" + dropLast);
        }
        this.datasetSize = datasetSize;
        this.rank = rank;
        this.worldSize = worldSize;
        this.batchPerRank = batchPerRank;
        this.seed = seed;
        this.dropLast = dropLast;
    }

    public int globalBatch() {
        return worldSize * batchPerRank;
    }

    /** Global batches per epoch when starting from cursor 0. */
    public long batchesPerEpoch() {
        return dropLast ? datasetSize / globalBatch() : (datasetSize + globalBatch() - 1) / globalBatch();
    }

    /** Moves a position that points past the usable part of its epoch to the start of the next epoch. */
    public LoaderPosition normalise(LoaderPosition position) {
        long remaining = datasetSize - position.indexInEpoch();
        boolean exhausted = remaining <= 0 || (dropLast && remaining < globalBatch());
        return exhausted ? new LoaderPosition(position.epoch() + 1, 0) : position;
    }

    /** The global batch starting at {@code position} (normalised first), as seen by this rank. */
    public Plan plan(LoaderPosition position) {
        LoaderPosition start = normalise(position);
        int[] permutation = permutation(start.epoch());
        int cursor = (int) start.indexInEpoch();
        int globalEnd = Math.min(datasetSize, cursor + globalBatch());
        int sliceStart = Math.min(globalEnd, cursor + rank * batchPerRank);
        int sliceEnd = Math.min(globalEnd, sliceStart + batchPerRank);
        int[] indices = new int[sliceEnd - sliceStart];
        System.arraycopy(permutation, sliceStart, indices, 0, indices.length);
        return new Plan(start, indices, normalise(new LoaderPosition(start.epoch(), globalEnd)));
    }

    /** The epoch's permutation of {@code [0, n)}: a Fisher–Yates shuffle seeded by (seed, epoch). */
    int[] permutation(long epoch) {
        if (epoch != cachedEpoch) {
            int[] permutation = new int[datasetSize];
            for (int i = 0; i < datasetSize; i++) {
                permutation[i] = i;
            }
            SplitMix64 random = SplitMix64.forItem(seed, PERMUTATION_STREAM, epoch);
            for (int i = datasetSize - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = swap;
            }
            cachedPermutation = permutation;
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }
}

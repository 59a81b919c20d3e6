package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DistributedSamplerTest {

    private static final long SEED = 42;

    @Test
    void shouldGiveNRanksTimesBTheSamplesOfOneRankTimesNBInTheSameOrder() {
        for (int datasetSize : new int[] {7, 24, 100}) {
            for (int worldSize : new int[] {1, 2, 3, 4}) {
                for (int batchPerRank : new int[] {1, 3, 5}) {
                    for (boolean dropLast : new boolean[] {true, false}) {
                        if (dropLast && datasetSize < worldSize * batchPerRank) {
                            continue;
                        }
                        assertRanksMatchSingleRank(datasetSize, worldSize, batchPerRank, dropLast);
                    }
                }
            }
        }
    }

    private static void assertRanksMatchSingleRank(int n, int worldSize, int batchPerRank, boolean dropLast) {
        DistributedSampler single = new DistributedSampler(n, 0, 1, worldSize * batchPerRank, SEED, dropLast);
        List<DistributedSampler> ranks = IntStream.range(0, worldSize)
                .mapToObj(r -> new DistributedSampler(n, r, worldSize, batchPerRank, SEED, dropLast))
                .toList();
        LoaderPosition position = LoaderPosition.START;
        long batches = 3 * single.batchesPerEpoch() + 1; // crosses several epoch boundaries
        for (long b = 0; b < batches; b++) {
            DistributedSampler.Plan expected = single.plan(position);
            int[] concatenated = new int[0];
            for (DistributedSampler rank : ranks) {
                DistributedSampler.Plan plan = rank.plan(position);
                assertEquals(expected.next(), plan.next());
                assertFalse(plan.datasetIndices().length > batchPerRank);
                concatenated = concat(concatenated, plan.datasetIndices());
            }
            String where = "n=" + n + " world=" + worldSize + " B=" + batchPerRank + " dropLast=" + dropLast + " b=" + b;
            assertArrayEquals(expected.datasetIndices(), concatenated, where);
            position = expected.next();
        }
    }

    @Test
    void shouldVisitEverySampleExactlyOncePerEpochAcrossAllRanks() {
        int n = 23;
        int worldSize = 3;
        int batchPerRank = 2;
        for (long epoch = 0; epoch < 3; epoch++) {
            List<Integer> seen = new ArrayList<>();
            LoaderPosition position = new LoaderPosition(epoch, 0);
            while (position.epoch() == epoch) {
                LoaderPosition current = position;
                for (int r = 0; r < worldSize; r++) {
                    DistributedSampler.Plan plan =
                            new DistributedSampler(n, r, worldSize, batchPerRank, SEED, false).plan(current);
                    Arrays.stream(plan.datasetIndices()).forEach(seen::add);
                    position = plan.next();
                }
            }
            assertEquals(IntStream.range(0, n).boxed().toList(), seen.stream().sorted().toList());
        }
    }

    @Test
    void shouldDropOnlyTheShortTailWhenDropLast() {
        int n = 23;
        DistributedSampler sampler = new DistributedSampler(n, 0, 1, 5, SEED, true);
        assertEquals(4, sampler.batchesPerEpoch());
        LoaderPosition position = LoaderPosition.START;
        List<Integer> seen = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            DistributedSampler.Plan plan = sampler.plan(position);
            Arrays.stream(plan.datasetIndices()).forEach(seen::add);
            position = plan.next();
        }
        assertEquals(new LoaderPosition(1, 0), position);
        assertEquals(20, seen.stream().distinct().count());
    }

    @Test
    void shouldShuffleDeterministicallyPerSeedAndDifferentlyPerEpoch() {
        DistributedSampler a = new DistributedSampler(50, 0, 1, 5, SEED, true);
        DistributedSampler b = new DistributedSampler(50, 0, 1, 5, SEED, true);
        DistributedSampler other = new DistributedSampler(50, 0, 1, 5, SEED + 1, true);
        int[] epoch0 = a.permutation(0).clone();
        assertArrayEquals(epoch0, b.permutation(0));
        assertFalse(Arrays.equals(epoch0, other.permutation(0)));
        assertFalse(Arrays.equals(epoch0, a.permutation(1)));
        assertArrayEquals(IntStream.range(0, 50).toArray(), Arrays.stream(epoch0).sorted().toArray());
    }

    @Test
    void shouldResumeFromTheGlobalCursorAtADifferentWorldSize() {
        int n = 100;
        LoaderPosition position = LoaderPosition.START;
        DistributedSampler twoRanks = new DistributedSampler(n, 0, 2, 4, SEED, true);
        for (int b = 0; b < 3; b++) {
            position = twoRanks.plan(position).next();
        }
        assertEquals(new LoaderPosition(0, 24), position);
        // The job continues on 3 ranks × 4: the next global batch is permutation positions 24..35.
        int[] permutation = twoRanks.permutation(0);
        for (int r = 0; r < 3; r++) {
            int[] slice = new DistributedSampler(n, r, 3, 4, SEED, true).plan(position).datasetIndices();
            assertArrayEquals(Arrays.copyOfRange(permutation, 24 + 4 * r, 28 + 4 * r), slice);
        }
    }

    @Test
    void shouldRejectDatasetSmallerThanAGlobalBatchWhenDroppingLast() {
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(7, 0, 2, 4, SEED, true));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

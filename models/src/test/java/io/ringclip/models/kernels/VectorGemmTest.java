package io.ringclip.models.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Differential tests of {@link VectorGemm} against {@link ReferenceGemm} (tolerance in {@link GemmOracle}). */
@Timeout(60)
class VectorGemmTest {

    private static final int[] AWKWARD = {1, 3, 7, 13, 17};
    /** Large mixes around and across the tiles (6×16, 6×32) and small-block boundaries. */
    private static final List<int[]> LARGE = List.of(
            new int[] {100, 257, 13}, new int[] {257, 100, 7}, new int[] {13, 17, 257},
            new int[] {100, 100, 100}, new int[] {257, 17, 100}, new int[] {17, 257, 100},
            new int[] {50, 50, 32}, new int[] {6, 16, 300}, new int[] {130, 33, 257}, new int[] {31, 150, 9},
            // attention heads
            new int[] {50, 32, 50}, new int[] {64, 64, 50}, new int[] {65, 96, 70});

    /**
     * Per register tile the JVM runs natively here (6×16 always, 6×32 with 512-bit vectors):
     * default blocks single-threaded; tiny blocks (every block loop runs many times); threaded splits.
     */
    static Stream<Arguments> kernels() {
        GemmBlocking tiny = new GemmBlocking(8, 12, 32);
        return nativeTiles().flatMap(tile -> Stream.of(
                Arguments.of(tile + "-default-1thread", new VectorGemm(tile, GemmBlocking.DEFAULT, 1, 0)),
                Arguments.of(tile + "-tinyblocks-1thread", new VectorGemm(tile, tiny, 1, 0)),
                Arguments.of(tile + "-tinyblocks-3threads", new VectorGemm(tile, tiny, 3, 0)),
                Arguments.of(tile + "-default-2threads", new VectorGemm(tile, GemmBlocking.DEFAULT, 2, 0))));
    }

    /** Emulated 512-bit vectors (AVX2 machines) are correct but ~100× slower: not worth the test time. */
    static Stream<VectorGemm.Tile> nativeTiles() {
        return VectorGemm.Tile.preferred() == VectorGemm.Tile.AVX512_6X32
                ? Stream.of(VectorGemm.Tile.AVX2_6X16, VectorGemm.Tile.AVX512_6X32)
                : Stream.of(VectorGemm.Tile.AVX2_6X16);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void shouldMatchReferenceAtAwkwardSmallSizesForAllTransposes(String label, VectorGemm kernel) {
        long seed = 1;
        for (int t = 0; t < 4; t++) {
            for (int m : AWKWARD) {
                for (int n : AWKWARD) {
                    for (int k : AWKWARD) {
                        GemmOracle.check(kernel, (t & 1) != 0, (t & 2) != 0, m, n, k, (seed & 1) == 0, seed++);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void shouldMatchReferenceAtLargeMixedSizesForAllTransposes(String label, VectorGemm kernel) {
        long seed = 1000;
        for (int t = 0; t < 4; t++) {
            for (int[] s : LARGE) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    GemmOracle.check(kernel, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], accumulate, seed++);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("nativeTiles")
    void shouldSplitBigProductsAcrossThreadsByRowsAndByColumns(VectorGemm.Tile tile) {
        VectorGemm threaded = new VectorGemm(tile, GemmBlocking.DEFAULT, 2, VectorGemm.DEFAULT_PARALLEL_MIN_MACS);
        // m ≥ n splits rows, n > m splits columns; both above the single-thread threshold.
        GemmOracle.check(threaded, false, true, 1000, 70, 64, false, 7);
        GemmOracle.check(threaded, true, false, 70, 1000, 64, true, 8);
    }

    @ParameterizedTest
    @MethodSource("nativeTiles")
    void shouldSplitDeepProductsAlongKAndAddThePartialsInto(VectorGemm.Tile tile) {
        // k ≥ DEPTH_SPLIT_RATIO·max(m, n): parts along k, awkward m, n and k (last part shorter).
        int[][] shapes = {{7, 13, 1500}, {30, 50, 2100}, {1, 1, 777}, {17, 40, 1030}};
        long seed = 50;
        for (int threads : new int[] {2, 3}) {
            VectorGemm threaded = new VectorGemm(tile, GemmBlocking.DEFAULT, threads, 0);
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    GemmOracle.check(threaded, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], (seed & 1) == 0, seed++);
                }
            }
        }
    }

    @Test
    void shouldSplitDeepProductsAlongKAndSumThePartsIntoC() {
        VectorGemm threaded = new VectorGemm(VectorGemm.Tile.AVX2_6X16, GemmBlocking.DEFAULT, 2, 0);
        // k ≥ DEPTH_SPLIT_RATIO·max(m, n): weight-gradient-like products are cut along k (parts of ≥ 256).
        GemmOracle.check(threaded, true, false, 13, 17, 1100, false, 21);
        GemmOracle.check(threaded, true, false, 13, 17, 1100, true, 22);
        GemmOracle.check(threaded, false, true, 7, 40, 2049, true, 23);
        GemmOracle.check(new VectorGemm(VectorGemm.Tile.AVX2_6X16, new GemmBlocking(8, 12, 32), 3, 0), false, false, 31, 5, 1500, false, 24);
    }

    @Test
    void shouldZeroOrKeepCWhenKIsZero() {
        VectorGemm kernel = new VectorGemm();
        float[] c = {1, 2, 3, 4, 5, 6, 7};
        float[] empty = new float[0];
        kernel.sgemm(false, false, 2, 2, 0, empty, 0, 0, empty, 0, 2, c, 1, 3, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, c);
        kernel.sgemm(false, false, 2, 2, 0, empty, 0, 0, empty, 0, 2, c, 1, 3, false);
        assertArrayEquals(new float[] {1, 0, 0, 4, 0, 0, 7}, c);
    }

    @Test
    void shouldDoNothingForEmptyOutput() {
        float[] c = {1, 2, 3};
        float[] a = new float[6];
        new VectorGemm().sgemm(false, false, 0, 3, 2, a, 0, 2, a, 0, 3, c, 0, 3, false);
        assertArrayEquals(new float[] {1, 2, 3}, c);
    }

    @Test
    void shouldIgnoreOldCWhenNotAccumulating() {
        float[] a = new float[7 * 5];
        float[] b = new float[5 * 19];
        Arrays.fill(a, 1f);
        Arrays.fill(b, 2f);
        float[] c = new float[7 * 19];
        Arrays.fill(c, Float.NaN);
        new VectorGemm().sgemm(false, false, 7, 19, 5, a, 0, 5, b, 0, 19, c, 0, 19, false);
        float[] expected = new float[7 * 19];
        Arrays.fill(expected, 10f);
        assertArrayEquals(expected, c);
    }

    @Test
    void shouldReturnItselfOrASingleThreadedTwinForSingleThreaded() {
        VectorGemm single = new VectorGemm(VectorGemm.Tile.preferred(), GemmBlocking.DEFAULT, 1, 0);
        assertSame(single, single.singleThreaded());
        GemmKernel twin = new VectorGemm().singleThreaded();
        GemmOracle.check(twin, true, true, 300, 40, 50, true, 3);
    }
}

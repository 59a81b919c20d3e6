package io.ringclip.comm.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive checks of the ring index arithmetic: world sizes 1..9 × element counts that do not
 * divide, and segment sizes from 1 element upward. "Exactly once" is checked per element by
 * replaying the schedule.
 */
class RingPartitionTest {

    private static final int[] COUNTS = {0, 1, 7, 1000, (1 << 20) + 3};
    private static final int[] SEGMENTS = {1, 3, 64, 1 << 18};

    @Test
    void chunksAndSegmentsTileTheRangeExactlyOnce() {
        for (int n = 1; n <= 9; n++) {
            for (int count : COUNTS) {
                for (int segment : SEGMENTS) {
                    if (segment == 1 && count > 1000) {
                        continue; // a million one-element segments add time, not coverage
                    }
                    int base = 5;
                    RingPartition p = RingPartition.balanced(base, count, n, segment);
                    int[] cover = new int[count];
                    for (int c = 0; c < n; c++) {
                        int expectedNext = c == 0 ? base : p.chunkOffset(c - 1) + p.chunkLength(c - 1);
                        assertEquals(expectedNext, p.chunkOffset(c), "chunks back to back: n=" + n + ", c=" + c);
                        assertTrue(Math.abs(p.chunkLength(c) - p.chunkLength(0)) <= 1, "balanced: n=" + n);
                        int end = p.chunkOffset(c);
                        for (int k = 0; k < p.segments(c); k++) {
                            int len = p.segmentLength(c, k);
                            assertTrue(len >= 1 && len <= segment, "segment length in [1, segment]: len=" + len);
                            assertEquals(end, p.segmentOffset(c, k), "segments back to back");
                            for (int i = 0; i < len; i++) {
                                cover[p.segmentOffset(c, k) + i - base]++;
                            }
                            end += len;
                        }
                        assertEquals(p.chunkOffset(c) + p.chunkLength(c), end, "segments fill the chunk");
                    }
                    assertEquals(count, p.count());
                    for (int i = 0; i < count; i++) {
                        assertEquals(1, cover[i], "element covered once: n=" + n + ", count=" + count + ", i=" + i);
                    }
                }
            }
        }
    }

    /**
     * Replays reduce-scatter then allgather over chunks (segments of a chunk move together, and
     * tiling is checked above): every rank's contribution to every chunk is added exactly once,
     * the owner of chunk c is rank c, and afterwards every rank holds every fully reduced chunk,
     * received exactly once.
     */
    @Test
    void scheduleReducesEveryContributionOnceAndGathersEveryChunkOnce() {
        for (int n = 1; n <= 9; n++) {
            for (int count : COUNTS) {
                RingPartition p = RingPartition.balanced(0, count, n, 3);
                // partial[r][c]: bitmask of the ranks whose data rank r holds summed for chunk c
                long[][] partial = new long[n][n];
                for (int r = 0; r < n; r++) {
                    Arrays.fill(partial[r], 1L << r);
                }
                for (int step = 0; step < n - 1; step++) {
                    long[][] inFlight = new long[n][];
                    for (int r = 0; r < n; r++) {
                        RingStep s = p.reduceScatterStep(r, step);
                        int next = (r + 1) % n;
                        RingStep atNext = p.reduceScatterStep(next, step);
                        assertEquals(s.sendChunk(), atNext.recvChunk(), "successor receives what r sends");
                        assertEquals(p.chunkOffset(s.sendChunk()), s.sendOffset());
                        assertEquals(p.chunkLength(s.recvChunk()), s.recvLength());
                        inFlight[next] = new long[] {s.sendChunk(), partial[r][s.sendChunk()]};
                    }
                    for (int r = 0; r < n; r++) {
                        int chunk = (int) inFlight[r][0];
                        long incoming = inFlight[r][1];
                        long own = 1L << r;
                        assertEquals(0, incoming & own, "no contribution added twice: n=" + n + ", r=" + r);
                        partial[r][chunk] = incoming | own;
                    }
                }
                long all = (1L << n) - 1;
                for (int r = 0; r < n; r++) {
                    assertEquals(all, partial[r][r], "owner of chunk r is rank r, fully reduced: n=" + n);
                }
                // allgather: have[r][c] counts how often rank r obtained chunk c (its own counts as 1)
                int[][] have = new int[n][n];
                for (int r = 0; r < n; r++) {
                    have[r][r] = 1;
                }
                for (int step = 0; step < n - 1; step++) {
                    int[] arriving = new int[n];
                    for (int r = 0; r < n; r++) {
                        RingStep s = p.allGatherStep(r, step);
                        assertEquals(1, have[r][s.sendChunk()], "only held chunks are sent");
                        arriving[(r + 1) % n] = s.sendChunk();
                        assertEquals(s.sendChunk(), p.allGatherStep((r + 1) % n, step).recvChunk());
                    }
                    for (int r = 0; r < n; r++) {
                        have[r][arriving[r]]++;
                    }
                }
                for (int r = 0; r < n; r++) {
                    for (int c = 0; c < n; c++) {
                        assertEquals(1, have[r][c], "chunk gathered exactly once: n=" + n + ", r=" + r + ", c=" + c);
                    }
                }
                // the chunk received at step s of reduce-scatter is the one sent at step s+1
                for (int r = 0; r < n; r++) {
                    for (int step = 0; step + 1 < n - 1; step++) {
                        assertEquals(p.reduceScatterStep(r, step).recvChunk(), p.reduceScatterStep(r, step + 1).sendChunk());
                    }
                }
            }
        }
    }

    @Test
    void unevenCountsKeepTheirOrderAndMayBeEmpty() {
        RingPartition p = RingPartition.ofCounts(10, new int[] {0, 5, 0, 2}, 2);
        assertEquals(10, p.chunkOffset(0));
        assertEquals(10, p.chunkOffset(1));
        assertEquals(15, p.chunkOffset(2));
        assertEquals(15, p.chunkOffset(3));
        assertEquals(0, p.segments(0));
        assertEquals(3, p.segments(1));
        assertEquals(1, p.segmentLength(1, 2));
        assertEquals(7, p.count());
    }

    @Test
    void rejectsNegativeCountsWithTheRankNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingPartition.ofCounts(0, new int[] {1, -1}, 4));
        assertTrue(e.getMessage().contains("rank=1"), e.getMessage());
    }
}

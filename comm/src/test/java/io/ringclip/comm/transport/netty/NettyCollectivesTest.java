package io.ringclip.comm.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringclip.comm.ClusterRun;
import io.ringclip.comm.CollectivesContract;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operation against the naive reference over loopback TCP (a lean sweep of world sizes), with
 * payloads between ring neighbours in shared-memory lanes (the default) and all on TCP.
 */
@Timeout(180)
class NettyCollectivesTest {

    @TempDir
    Path shmDir;

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {1, 2, 3, 5, 8})
    void everyOperationMatchesTheNaiveReference(int worldSize) {
        try (NettyCluster cluster = NettyCluster.start(worldSize, 1, CollectivesContract.tinySegments().withShmDir(shmDir))) {
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(170), c -> {
                CollectivesContract.runAll(c);
                return null;
            });
        }
    }

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {2, 3})
    void everyOperationMatchesTheNaiveReferenceWithEveryPayloadOnTcp(int worldSize) {
        try (NettyCluster cluster = NettyCluster.start(worldSize, 1, CollectivesContract.tinySegments().withShmDir(null))) {
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(170), c -> {
                CollectivesContract.runAll(c);
                return null;
            });
            cluster.transports.forEach(t -> assertEquals(0, t.lanesInUse()));
        }
    }

    /**
     * Each rank looks for lane files in a directory of its own, as ranks in different containers or on
     * different hosts do: every offer is declined, the links stay on TCP, and no lane file is left.
     */
    @Test
    void ranksThatCannotMapEachOthersLanesStayOnTcp() throws Exception {
        Path[] dirs = new Path[3];
        for (int r = 0; r < dirs.length; r++) {
            dirs[r] = Files.createDirectory(shmDir.resolve("rank" + r));
        }
        try (NettyCluster cluster = NettyCluster.start(3, 1, rank -> CollectivesContract.tinySegments().withShmDir(dirs[rank]))) {
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(120), c -> {
                CollectivesContract.runAll(c);
                return null;
            });
            cluster.transports.forEach(t -> assertEquals(0, t.lanesInUse()));
        }
        for (Path dir : dirs) {
            assertNoLaneFiles(dir, "lane files left in " + dir);
        }
    }

    /**
     * Megabytes through the default 256 KiB segments: socket reads end inside frames, so split payloads
     * are completed by steered reads ({@link SteeredReads}), in their read buffer or one of their own,
     * and each chunk's short last segment changes the frame size under the whole-frame read sizing.
     * Reduce-scatter adds into the received frames in place. With lanes, the same payloads lie in
     * shared-memory slots and are reduced and forwarded from there. Integer-valued floats keep every sum exact.
     */
    @ParameterizedTest(name = "sharedMemoryLanes={0}")
    @ValueSource(booleans = {true, false})
    void largeAllReducesWithDefaultSegmentsAreExact(boolean lanes) throws Exception {
        int count = 3 * (1 << 20) + 12_345;
        try (NettyCluster cluster = NettyCluster.start(3, 1, CommConfig.defaults().withShmDir(lanes ? shmDir : null))) {
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(120), c -> {
                float[] data = new float[count];
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < count; i++) {
                        data[i] = (c.rank() + 1) * (i % 1000) + round;
                    }
                    c.allReduce(data, 0, count, ReduceOp.SUM, WireFormat.FP32);
                    for (int i = 0; i < count; i++) {
                        float expected = 6 * (i % 1000) + 3 * round; // ranks 1 + 2 + 3, round added by each
                        if (data[i] != expected) {
                            throw new AssertionError("rank=" + c.rank() + ", round=" + round + ", i=" + i
                                    + ", expected=" + expected + ", actual=" + data[i]);
                        }
                    }
                }
                return null;
            });
            for (NettyTransport t : cluster.transports) {
                assertEquals(lanes ? 2 : 0, lanesInUseOnceSettled(t, lanes ? 2 : 0), "lanes to both ring neighbours");
                assertEquals(0, t.laneSlotsHeld(), "every frame read from a lane was released once the ops were done");
            }
            assertNoLaneFiles(shmDir, "lane files are unlinked once both sides have them mapped");
        }
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            assertEquals(List.of(), maps.filter(line -> line.contains(shmDir.toString())).toList(),
                    "closing the communicators unmaps every lane");
        }
    }

    /** Lane replies travel beside the data: wait (bounded) until {@code expected} or the deadline. */
    private static void assertNoLaneFiles(Path dir, String message) throws IOException {
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), message);
        }
    }

    private static int lanesInUseOnceSettled(NettyTransport t, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (t.lanesInUse() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return t.lanesInUse();
    }

    @Test
    void randomFloatsAreBitIdenticalAcrossRanksAndAsyncOpsQueueInOrder() {
        try (NettyCluster cluster = NettyCluster.start(3, 1,
                CollectivesContract.tinySegments().withSegmentBytes(1024))) {
            CollectivesContract.randomFloatsAgreeAcrossRanks(cluster.comms, 30_011);
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(60), c -> {
                CollectivesContract.asyncOperationsQueueInOrder(c);
                return null;
            });
        }
    }
}

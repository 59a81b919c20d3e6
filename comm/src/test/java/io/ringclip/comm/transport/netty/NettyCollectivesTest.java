package io.ringclip.comm.transport.netty;

import io.ringclip.comm.ClusterRun;
import io.ringclip.comm.CollectivesContract;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every operation against the naive reference over loopback TCP (a lean sweep of world sizes). */
@Timeout(180)
class NettyCollectivesTest {

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {1, 2, 3, 5, 8})
    void everyOperationMatchesTheNaiveReference(int worldSize) {
        try (NettyCluster cluster = NettyCluster.start(worldSize, 1, CollectivesContract.tinySegments())) {
            ClusterRun.onAllRanks(cluster.comms, Duration.ofSeconds(170), c -> {
                CollectivesContract.runAll(c);
                return null;
            });
        }
    }

    /**
     * Megabytes through the default 256 KiB segments: socket reads end inside frames, so split payloads
     * are completed by steered reads ({@link SteeredReads}), in their read buffer or one of their own,
     * and each chunk's short last segment changes the frame size under the whole-frame read sizing.
     * Reduce-scatter adds into the received frames in place. Integer-valued floats keep every sum exact.
     */
    @Test
    void largeAllReducesWithDefaultSegmentsAreExact() {
        int count = 3 * (1 << 20) + 12_345;
        try (NettyCluster cluster = NettyCluster.start(3, 1, CommConfig.defaults())) {
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
        }
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

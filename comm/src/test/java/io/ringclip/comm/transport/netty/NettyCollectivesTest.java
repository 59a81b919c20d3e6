package io.ringclip.comm.transport.netty;

import io.ringclip.comm.ClusterRun;
import io.ringclip.comm.CollectivesContract;
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

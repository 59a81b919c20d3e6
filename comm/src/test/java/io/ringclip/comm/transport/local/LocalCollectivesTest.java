package io.ringclip.comm.transport.local;

import io.ringclip.comm.ClusterRun;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.CollectivesContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every operation against the naive reference over the in-JVM transport, world sizes 1..8. */
@Timeout(120)
class LocalCollectivesTest {

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyOperationMatchesTheNaiveReference(int worldSize) {
        List<Communicator> comms = LocalCluster.create(worldSize, CollectivesContract.tinySegments());
        try {
            ClusterRun.onAllRanks(comms, Duration.ofSeconds(100), c -> {
                CollectivesContract.runAll(c);
                return null;
            });
        } finally {
            comms.forEach(Communicator::close);
        }
    }

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {2, 3, 5})
    void randomFloatsAreBitIdenticalAcrossRanksAndWithinWireRounding(int worldSize) {
        CommConfig config = CollectivesContract.tinySegments().withSegmentBytes(256);
        List<Communicator> comms = LocalCluster.create(worldSize, config);
        try {
            CollectivesContract.randomFloatsAgreeAcrossRanks(comms, 5003);
        } finally {
            comms.forEach(Communicator::close);
        }
    }

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {1, 3})
    void asyncOperationsRunInCallOrder(int worldSize) {
        List<Communicator> comms = LocalCluster.create(worldSize, CollectivesContract.tinySegments());
        try {
            ClusterRun.onAllRanks(comms, Duration.ofSeconds(60), c -> {
                CollectivesContract.asyncOperationsQueueInOrder(c);
                return null;
            });
        } finally {
            comms.forEach(Communicator::close);
        }
    }
}

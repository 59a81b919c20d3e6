package io.ringclip.comm.transport.local;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.RingParity;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Arrival-driven ring allreduce vs the op-thread ring over the in-JVM transport. */
@Timeout(120)
class LocalRingParityTest {

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {2, 3, 4, 7})
    void arrivalDrivenRingMatchesTheOpThreadRingBitForBit(int worldSize) {
        List<Communicator> fast = LocalCluster.create(worldSize, RingParity.config(true));
        List<Communicator> reference = LocalCluster.create(worldSize, RingParity.config(false));
        try {
            RingParity.assertSameResults(fast, reference);
        } finally {
            fast.forEach(Communicator::close);
            reference.forEach(Communicator::close);
        }
    }
}

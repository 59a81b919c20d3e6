package io.ringclip.comm.transport.netty;

import io.ringclip.comm.RingParity;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Arrival-driven ring allreduce (on the event loop) vs the op-thread ring over loopback TCP. */
@Timeout(150)
class NettyRingParityTest {

    @ParameterizedTest(name = "worldSize={0}")
    @ValueSource(ints = {2, 3, 5})
    void arrivalDrivenRingMatchesTheOpThreadRingBitForBit(int worldSize) {
        try (NettyCluster fast = NettyCluster.start(worldSize, 2, RingParity.config(true));
                NettyCluster reference = NettyCluster.start(worldSize, 2, RingParity.config(false))) {
            RingParity.assertSameResults(fast.comms, reference.comms);
        }
    }
}

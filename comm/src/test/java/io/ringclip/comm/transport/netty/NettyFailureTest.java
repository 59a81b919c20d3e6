package io.ringclip.comm.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.TransportCommunicator;
import io.ringclip.comm.WireFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fail-stop over TCP. The op timeout is minutes long while the test's own timeout is one minute,
 * so only prompt failure propagation (not a deadline) can make these tests pass.
 */
@Timeout(60)
class NettyFailureTest {

    private static CommConfig config(Duration opTimeout) {
        return CommConfig.defaults().withSegmentBytes(16 * 1024).withOpTimeout(opTimeout)
                .withMeterRegistry(new SimpleMeterRegistry());
    }

    @Test
    void killingOneRankMidAllReduceFailsEveryOtherRank() throws Exception {
        try (NettyCluster cluster = NettyCluster.start(4, 5, config(Duration.ofMinutes(10)))) {
            int size = 1 << 20;
            CompletableFuture<Void> r0 = cluster.comms.get(0).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
            CompletableFuture<Void> r1 = cluster.comms.get(1).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
            CompletableFuture<Void> r3 = cluster.comms.get(3).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
            TransportCommunicator rank1 = (TransportCommunicator) cluster.comms.get(1);
            while (rank1.metrics().bytesReceived() == 0) {
                Thread.sleep(1); // rank 1 has data from rank 0: the allreduce is under way (rank 2 has not joined, so it cannot finish)
            }
            cluster.endpoints.get(3).close(); // rank 3's sockets and I/O threads die without a goodbye, as in a crash
            CompletableFuture<Void> r2 = cluster.comms.get(2).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);

            int namingTheDeadRank = 0;
            for (CompletableFuture<Void> f : List.of(r0, r1, r2)) {
                CompletionException e = assertThrows(CompletionException.class, f::join);
                CollectiveException ce = assertInstanceOf(CollectiveException.class, e.getCause());
                assertEquals("allReduce", ce.op());
                assertEquals(5, ce.generation());
                assertTrue(ce.getMessage().contains("elapsedMs="), ce.getMessage());
                // a rank may first hear of it from a neighbour's ABORT (or that neighbour's hang-up)
                namingTheDeadRank += ce.getMessage().contains("peer=3") ? 1 : 0;
            }
            assertTrue(namingTheDeadRank >= 1, "at least the first rank to notice names rank 3");
            assertThrows(CompletionException.class, r3::join);
            assertThrows(CollectiveException.class, () -> cluster.comms.get(0).barrier());
        }
    }

    @Test
    void aSilentPeerTimesOutNamingItAndTheFailureReachesIt() {
        try (NettyCluster cluster = NettyCluster.start(2, 1, config(Duration.ofMillis(500)))) {
            CompletableFuture<Void> r0 = cluster.comms.get(0).allReduceAsync(new float[100], 0, 100, ReduceOp.SUM, WireFormat.FP32);
            CollectiveException e = (CollectiveException) assertThrows(CompletionException.class, r0::join).getCause();
            assertEquals(1, e.peer());
            assertEquals(0, e.rank());
            assertTrue(e.getMessage().contains("TIMEOUT"), e.getMessage());
            CollectiveException atSilent = assertThrows(CollectiveException.class, () -> cluster.comms.get(1).barrier());
            assertTrue(atSilent.getMessage().contains("peer=0"), atSilent.getMessage());
        }
    }

    @Test
    void aSilentPredecessorTimesOutTheArrivalDrivenRingNamingIt() {
        try (NettyCluster cluster = NettyCluster.start(2, 1, config(Duration.ofMillis(500)))) {
            int size = 100_000; // above the small-message threshold: the ring, on the event loop
            assertTrue(((TransportCommunicator) cluster.comms.get(0)).arrivalDrivenRing());
            CompletableFuture<Void> r0 = cluster.comms.get(0).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
            CollectiveException e = (CollectiveException) assertThrows(CompletionException.class, r0::join).getCause();
            assertEquals(1, e.peer(), e.getMessage());
            assertTrue(e.getMessage().contains("TIMEOUT") && e.getMessage().contains("arrived=0/"), e.getMessage());
            CollectiveException atSilent = assertThrows(CollectiveException.class, () -> cluster.comms.get(1).barrier());
            assertTrue(atSilent.getMessage().contains("peer=0"), atSilent.getMessage());
        }
    }

    @Test
    void aPredecessorClosingMidRingFailsTheWaitingRankAtOnce() throws Exception {
        try (NettyCluster cluster = NettyCluster.start(2, 1, config(Duration.ofMinutes(10)))) {
            int size = 1 << 20;
            CompletableFuture<Void> r0 = cluster.comms.get(0).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
            cluster.comms.get(1).close(); // says goodbye without joining the op
            CollectiveException e = (CollectiveException) assertThrows(CompletionException.class, r0::join).getCause();
            assertEquals(1, e.peer(), e.getMessage());
            // the goodbye, or (if rank 0 was still writing to the closed socket) the reset it causes
            assertTrue(e.getMessage().contains("PEER_CLOSED") || e.getMessage().contains("PEER_LOST"), e.getMessage());
        }
    }
}

package io.ringclip.comm.transport.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.TransportCommunicator;
import io.ringclip.comm.WireFormat;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fail-stop semantics over the in-JVM transport: one failure fails every rank, loudly, never a hang. */
@Timeout(60)
class LocalFailureTest {

    private List<Communicator> comms = List.of();

    @AfterEach
    void closeAll() {
        comms.forEach(Communicator::close);
    }

    private static CommConfig config(Duration opTimeout) {
        return CommConfig.defaults().withSegmentBytes(64).withSmallMessageThresholdBytes(0)
                .withOpTimeout(opTimeout).withMeterRegistry(new SimpleMeterRegistry());
    }

    @Test
    void shouldFailEveryRankWhenOneRankAbortsMidAllReduce() throws Exception {
        comms = LocalCluster.create(4, 7, config(Duration.ofMinutes(5)));
        int size = 100_000;
        // ranks 0, 1, 3 enter the allreduce; rank 2 has not yet, so the op cannot finish early
        CompletableFuture<Void> r0 = comms.get(0).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
        CompletableFuture<Void> r1 = comms.get(1).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
        CompletableFuture<Void> r3 = comms.get(3).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);
        TransportCommunicator rank1 = (TransportCommunicator) comms.get(1);
        while (rank1.metrics().bytesReceived() == 0) {
            Thread.sleep(1); // the op is under way: rank 1 has data from rank 0
        }
        comms.get(3).abort(new IllegalStateException("rank 3 killed"));
        CompletableFuture<Void> r2 = comms.get(2).allReduceAsync(new float[size], 0, size, ReduceOp.SUM, WireFormat.FP32);

        for (CompletableFuture<Void> f : List.of(r0, r1, r2, r3)) {
            CompletionException e = assertThrows(CompletionException.class, f::join);
            CollectiveException ce = assertInstanceOf(CollectiveException.class, e.getCause());
            assertEquals("allReduce", ce.op());
            assertEquals(7, ce.generation());
            assertTrue(ce.getMessage().contains("generation=7") && ce.getMessage().contains("elapsedMs="), ce.getMessage());
        }
        CollectiveException atRank0 = (CollectiveException) assertThrows(CompletionException.class, r0::join).getCause();
        assertEquals(3, atRank0.peer(), atRank0.getMessage());
        assertEquals(0, atRank0.rank());
        // and every later op fails at once
        CollectiveException later = assertThrows(CollectiveException.class, () -> comms.get(1).barrier());
        assertTrue(later.getMessage().contains("failed earlier"), later.getMessage());
    }

    @Test
    void shouldTimeOutNamingThePeerWhenARankNeverJoins() {
        comms = LocalCluster.create(3, config(Duration.ofMillis(300)));
        CompletableFuture<Void> r0 = comms.get(0).allReduceAsync(new float[1000], 0, 1000, ReduceOp.SUM, WireFormat.FP32);
        CompletableFuture<Void> r1 = comms.get(1).allReduceAsync(new float[1000], 0, 1000, ReduceOp.SUM, WireFormat.FP32);
        CollectiveException e0 = (CollectiveException) assertThrows(CompletionException.class, r0::join).getCause();
        assertThrows(CompletionException.class, r1::join);
        assertTrue(e0.getMessage().contains("TIMEOUT") || e0.getMessage().contains("PEER_ABORTED"), e0.getMessage());
        assertTrue(e0.elapsedMs() >= 0);
        // the rank that never joined finds the communicator failed too
        CollectiveException e2 = assertThrows(CollectiveException.class, () -> comms.get(2).barrier());
        assertEquals("barrier", e2.op());
    }

    @Test
    void callerAbortFailsPendingAndFutureOperationsOnEveryRank() {
        comms = LocalCluster.create(2, config(Duration.ofMinutes(5)));
        CompletableFuture<Void> waiting = comms.get(0).barrierAsync(); // rank 1 never enters
        comms.get(1).abort(new IllegalStateException("generation changed"));
        CollectiveException e = (CollectiveException) assertThrows(CompletionException.class, waiting::join).getCause();
        assertTrue(e.getMessage().contains("generation changed"), e.getMessage());
        assertThrows(CollectiveException.class, () -> comms.get(1).allReduce(new float[4], 0, 4, ReduceOp.SUM, WireFormat.FP32));
    }

    @Test
    void badArgumentsAreRejectedInTheCallerWithoutFailingTheCommunicator() {
        comms = LocalCluster.create(1, config(Duration.ofSeconds(5)));
        Communicator c = comms.get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.allReduce(new float[4], 2, 3, ReduceOp.SUM, WireFormat.FP32));
        assertTrue(e.getMessage().contains("offset=2") && e.getMessage().contains("arrayLength=4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.allGather(new float[1], 0, new float[1], new int[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> c.broadcast(new float[1], 0, 1, 1));
        float[] data = {1, 2, 3};
        c.allReduce(data, 0, 3, ReduceOp.AVG, WireFormat.BF16);
        assertEquals(2f, data[1]);
    }
}

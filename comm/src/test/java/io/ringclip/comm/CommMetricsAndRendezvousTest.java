package io.ringclip.comm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringclip.comm.transport.local.LocalCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CommMetricsAndRendezvousTest {

    @Test
    void recordsBytesLatencyAndFailuresPerRank() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Communicator> comms = LocalCluster.create(2, CommConfig.defaults().withMeterRegistry(registry)
                .withSmallMessageThresholdBytes(0).withOpTimeout(Duration.ofMillis(300)));
        try {
            ClusterRun.onAllRanks(comms, Duration.ofSeconds(30), c -> {
                c.allReduce(new float[1000], 0, 1000, ReduceOp.SUM, WireFormat.BF16);
                return null;
            });
            // bf16: each rank sends its 500-element chunk twice (reduce-scatter, allgather) at 2 bytes each
            assertEquals(2000.0, registry.get("ringclip.comm.bytes.sent").tag("rank", "0").counter().count());
            assertEquals(2000.0, registry.get("ringclip.comm.bytes.received").tag("rank", "1").counter().count());
            assertEquals(1, registry.get("ringclip.comm.op").tag("rank", "0").tag("op", "allReduce").tag("wire", "BF16")
                    .timer().count());
            assertTrue(registry.get("ringclip.comm.busbw.last").tag("rank", "0").gauge().value() > 0);
            assertThrows(CollectiveException.class, () -> comms.get(0).barrier()); // rank 1 never comes
            assertEquals(1.0, registry.get("ringclip.comm.failures").tag("rank", "0").counter().count());
        } finally {
            comms.forEach(Communicator::close);
        }
    }

    @Test
    void rendezvousResultValidatesCopiesAndNeverPrintsTheSecret() {
        byte[] secret = "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);
        List<InetSocketAddress> peers = List.of(new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2));
        RendezvousResult r = new StaticRendezvous(1, 3, "job-a", secret, peers).await(Duration.ofSeconds(1));
        assertEquals(1, r.rank());
        assertEquals(2, r.worldSize());
        assertArrayEquals(secret, r.secret());
        secret[0] = 'X';
        assertNotEquals('X', r.secret()[0], "defensive copy");
        assertFalse(r.toString().contains("secret"), r.toString());
        assertEquals(r.jobIdHash(), new RendezvousResult(0, 2, 3, "job-a", r.secret(), peers).jobIdHash());
        assertNotEquals(r.jobIdHash(), new RendezvousResult(0, 2, 3, "job-b", r.secret(), peers).jobIdHash());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RendezvousResult(2, 2, 0, "job", r.secret(), peers));
        assertTrue(e.getMessage().contains("rank=2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RendezvousResult(0, 2, 0, "job", new byte[4], peers));
    }

    @Test
    void configRejectsNonsenseWithKeyValueMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommConfig.defaults().withSegmentBytes(6));
        assertTrue(e.getMessage().contains("segmentBytes=6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CommConfig.defaults().withOpTimeout(Duration.ZERO));
        assertEquals(CommConfig.DEFAULT_SEGMENT_BYTES / 4, CommConfig.defaults().segmentElements());
    }
}

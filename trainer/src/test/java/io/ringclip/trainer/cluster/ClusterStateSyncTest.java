package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import io.ringclip.comm.transport.netty.NettyEndpoint;
import io.ringclip.trainer.config.WireFormatChoice;
import io.ringclip.trainer.loop.StateSync;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A one-rank ring over a real Netty endpoint, driven by assignments fed straight into the rendezvous. */
@Timeout(30)
class ClusterStateSyncTest {

    private final List<String> log = new CopyOnWriteArrayList<>();
    private CoordinatorRendezvous rendezvous;
    private ElasticRing ring;
    private int port;

    @BeforeEach
    void connectFirstRing() {
        NettyEndpoint endpoint = NettyCommunicators.bind(CommConfig.defaults().withConnectTimeout(Duration.ofSeconds(5)),
                new InetSocketAddress("127.0.0.1", 0));
        port = endpoint.localAddress().getPort();
        rendezvous = new CoordinatorRendezvous("t", log::add);
        ring = new ElasticRing(endpoint, rendezvous, WireFormatChoice.FP32, log::add);
        rendezvous.onAssignment(CoordinatorRendezvousTest.running(5, 0, port));
        ring.connectNext(Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        ring.close();
    }

    private static CollectiveException peerLost(long generation) {
        return new CollectiveException("allReduce", 3, 0, 1, generation, 10, "peer connection lost", null);
    }

    @Test
    void shouldGiveUpWithAClearMessageWhenNoNewGenerationFollowsAFailure() {
        ClusterStateSync sync = new ClusterStateSync(ring, Duration.ofMillis(300), Duration.ofSeconds(5), log::add);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sync.recover(peerLost(5), StateAgreementTest.state(4, 1)));
        assertTrue(e.getMessage().startsWith("no new generation from the coordinator after a failed collective: generation_timeout=PT0.3S"),
                e.getMessage());
    }

    @Test
    void shouldRebuildTheRingAtTheNextGenerationAndKeepTheCommittedState() throws Exception {
        ClusterStateSync sync = new ClusterStateSync(ring, Duration.ofSeconds(10), Duration.ofSeconds(10), log::add);
        StateSync.State committed = StateAgreementTest.state(4, 1);
        CompletableFuture<StateSync.Resume> resumed = CompletableFuture.supplyAsync(() -> sync.recover(peerLost(5), committed));
        Thread.sleep(100);
        rendezvous.onAssignment(CoordinatorRendezvousTest.running(6, 0, port));
        StateSync.Resume r = resumed.get(20, TimeUnit.SECONDS);
        assertEquals(new StateSync.Resume(4, committed.position()), r);
        assertEquals(6, ring.comm().generation());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("elastic: state agreed: generation=6")), log.toString());
    }

    @Test
    void shouldAbortTheRingInFlightWhenANewerGenerationIsPublished() {
        rendezvous.onAssignment(CoordinatorRendezvousTest.running(9, 0, port));
        CollectiveException e = assertThrows(CollectiveException.class, () -> ring.comm().barrier());
        assertTrue(e.getMessage().contains("membership changed: generation=5 -> 9"), e.getMessage());
    }
}

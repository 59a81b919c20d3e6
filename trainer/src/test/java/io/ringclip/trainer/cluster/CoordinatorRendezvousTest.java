package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.comm.RendezvousResult;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.api.Removal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CoordinatorRendezvousTest {

    static Assignment running(long generation, int rank, int... ports) {
        Assignment.Builder a = Assignment.newBuilder().setGeneration(generation).setState(AssignmentState.ASSIGNMENT_STATE_RUNNING)
                .setRank(rank).setWorldSize(ports.length).setJobId("job-1").setReason("running: world_size=" + ports.length);
        for (int r = 0; r < ports.length; r++) {
            a.addPeers(Peer.newBuilder().setRank(r).setWorkerId("w" + r).setHost("127.0.0.1").setDataPort(ports[r]));
        }
        return a.build();
    }

    static Assignment state(long generation, AssignmentState state, Removal removal, String reason) {
        return Assignment.newBuilder().setGeneration(generation).setState(state).setRemoval(removal).setReason(reason)
                .setRank(-1).setJobId("job-1").build();
    }

    @Test
    void shouldTurnARunningAssignmentIntoCommsMembership() {
        RendezvousResult r = CoordinatorRendezvous.toResult(running(7, 1, 1001, 1002), "token");
        assertEquals(1, r.rank());
        assertEquals(2, r.worldSize());
        assertEquals(7, r.generation());
        assertEquals("job-1", r.jobId());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 1001), new InetSocketAddress("127.0.0.1", 1002)), r.peers());
        assertArrayEquals(JobSecret.derive("token", "job-1"), r.secret());
    }

    @Test
    void shouldReturnEachGenerationOnceThenWaitForANewerOne() throws Exception {
        List<String> said = new CopyOnWriteArrayList<>();
        CoordinatorRendezvous rv = new CoordinatorRendezvous("t", said::add);
        rv.onAssignment(running(3, 0, 1001, 1002));
        assertEquals(3, rv.await(Duration.ofSeconds(1)).generation());
        IllegalStateException timeout = assertThrows(IllegalStateException.class, () -> rv.await(Duration.ofMillis(100)));
        assertTrue(timeout.getMessage().contains("gave up waiting for a running ring after generation 3"), timeout.getMessage());

        CompletableFuture<RendezvousResult> next = CompletableFuture.supplyAsync(() -> rv.await(Duration.ofSeconds(10)));
        rv.onAssignment(state(4, AssignmentState.ASSIGNMENT_STATE_PAUSED, Removal.REMOVAL_NONE, "paused: workers=1 < min_workers=2"));
        rv.onAssignment(running(5, 1, 1001, 1002));
        assertEquals(5, next.get(10, TimeUnit.SECONDS).generation());
        assertTrue(said.stream().anyMatch(l -> l.startsWith("waiting for a running ring")), "says why it waits: " + said);
    }

    @Test
    void shouldSayWhyItWaitsForAJob() {
        List<String> said = new CopyOnWriteArrayList<>();
        CoordinatorRendezvous rv = new CoordinatorRendezvous("t", said::add);
        rv.onAssignment(state(2, AssignmentState.ASSIGNMENT_STATE_WAITING, Removal.REMOVAL_NONE, "waiting: no job submitted"));
        assertThrows(IllegalStateException.class, () -> rv.awaitJob(Duration.ofMillis(50)));
        assertTrue(said.stream().anyMatch(l -> l.contains("reason=waiting: no job submitted")), said.toString());
    }

    @Test
    void shouldStopWhenTheJobEndsOrTheWorkerIsDrainedButNotWhenEvicted() {
        CoordinatorRendezvous rv = new CoordinatorRendezvous("t", line -> { });
        rv.onAssignment(state(4, AssignmentState.ASSIGNMENT_STATE_STOPPED, Removal.REMOVAL_EVICTED, "evicted: missed heartbeats"));
        IllegalStateException evicted = assertThrows(IllegalStateException.class, () -> rv.await(Duration.ofMillis(50)));
        assertFalse(evicted instanceof JobStoppedException, "an evicted worker re-joins, it does not stop");

        rv.onAssignment(state(5, AssignmentState.ASSIGNMENT_STATE_STOPPED, Removal.REMOVAL_NONE, "job job-1 ended: finished"));
        JobStoppedException ended = assertInstanceOf(JobStoppedException.class,
                assertThrows(IllegalStateException.class, () -> rv.await(Duration.ofSeconds(5))));
        assertFalse(ended.drained());

        rv.onAssignment(state(6, AssignmentState.ASSIGNMENT_STATE_STOPPED, Removal.REMOVAL_DRAINED, "drained by admin: x"));
        JobStoppedException drained = assertInstanceOf(JobStoppedException.class,
                assertThrows(IllegalStateException.class, () -> rv.await(Duration.ofSeconds(5))));
        assertTrue(drained.drained());
    }
}

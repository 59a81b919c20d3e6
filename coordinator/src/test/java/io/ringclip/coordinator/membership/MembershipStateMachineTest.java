package io.ringclip.coordinator.membership;

import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_PAUSED;
import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_RUNNING;
import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_STOPPED;
import static io.ringclip.coordinator.api.AssignmentState.ASSIGNMENT_STATE_WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.api.Removal;
import io.ringclip.coordinator.membership.MembershipStateMachine.JoinOutcome;
import io.ringclip.coordinator.membership.MembershipStateMachine.MemberOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipStateMachineTest {

    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock();
    private final MembershipStateMachine sm =
            new MembershipStateMachine(clock, MembershipConfig.of(HEARTBEAT_TIMEOUT, JOIN_TIMEOUT, 1));

    private void join(String... ids) {
        for (String id : ids) {
            assertEquals(JoinOutcome.ADMITTED, sm.join(id, "10.0.0." + id.substring(1), 7000 + id.charAt(1), Map.of()));
        }
    }

    private List<String> ringOf(String workerId) {
        return sm.assignmentFor(workerId).getPeersList().stream().map(Peer::getWorkerId).toList();
    }

    private void heartbeatAll(String... ids) {
        for (String id : ids) {
            assertEquals(MemberOutcome.OK, sm.heartbeat(id));
        }
    }

    @Test
    void shouldWaitWithoutAJob() {
        join("w1", "w2");
        Assignment a = sm.assignmentFor("w1").build();
        assertEquals(ASSIGNMENT_STATE_WAITING, a.getState());
        assertEquals("waiting: no job submitted", a.getReason());
        assertEquals(-1, a.getRank());
        assertEquals(2, sm.generation(), "each join is a membership change");
    }

    @Test
    void shouldRendezvousAtMaxWorkersImmediately() {
        sm.startJob("job-1", new JobLimits(2, 3));
        join("w1", "w2");
        assertEquals(ASSIGNMENT_STATE_WAITING, sm.phase(), "min reached, join timeout still open");
        join("w3");
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase());
        assertEquals(List.of("w1", "w2", "w3"), ringOf("w1"));
        for (int rank = 0; rank < 3; rank++) {
            Assignment a = sm.assignmentFor("w" + (rank + 1)).build();
            assertEquals(rank, a.getRank());
            assertEquals(3, a.getWorldSize());
            assertEquals(rank, a.getPeers(rank).getRank());
            assertEquals("job-1", a.getJobId());
        }
    }

    @Test
    void shouldRendezvousAtMinWorkersWhenJoinTimeoutElapses() {
        sm.startJob("job-1", new JobLimits(2, 4));
        join("w1");
        clock.advance(Duration.ofSeconds(1));
        heartbeatAll("w1");
        join("w2");
        long generation = sm.generation();
        clock.advance(JOIN_TIMEOUT.minusMillis(1));
        sm.tick();
        assertEquals(ASSIGNMENT_STATE_WAITING, sm.phase(), "join timeout counts from the moment min was reached");
        clock.advance(Duration.ofMillis(1));
        sm.tick();
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase());
        assertEquals(List.of("w1", "w2"), ringOf("w2"));
        assertEquals(generation, sm.generation(), "closing the join window is not a membership change");
    }

    @Test
    void shouldRendezvousAtMinWorkersAtOnceWithZeroJoinTimeout() {
        MembershipStateMachine eager = new MembershipStateMachine(clock, MembershipConfig.of(HEARTBEAT_TIMEOUT, Duration.ZERO, 1));
        eager.startJob("job-1", new JobLimits(2, 0));
        eager.join("w1", "h1", 1, Map.of());
        assertEquals(ASSIGNMENT_STATE_WAITING, eager.phase());
        eager.join("w2", "h2", 2, Map.of());
        assertEquals(ASSIGNMENT_STATE_RUNNING, eager.phase());
        assertEquals(2, eager.assignmentFor("w2").getWorldSize());
    }

    @Test
    void shouldBumpGenerationOnEveryMembershipChange() {
        sm.startJob("job-1", new JobLimits(1, 0));
        long g0 = sm.generation();
        join("w1");
        assertEquals(g0 + 1, sm.generation());
        join("w2");
        assertEquals(g0 + 2, sm.generation());
        sm.leave("w2", "done");
        assertEquals(g0 + 3, sm.generation());
        join("w1"); // a re-join is a new process
        assertEquals(g0 + 4, sm.generation());
        sm.heartbeat("w1");
        sm.tick();
        assertEquals(g0 + 4, sm.generation(), "heartbeats and ticks without evictions change nothing");
    }

    @Test
    void shouldEvictWorkerAfterMissedHeartbeatsAndBumpGeneration() {
        sm.startJob("job-1", new JobLimits(2, 3));
        join("w1", "w2", "w3");
        long generation = sm.generation();
        clock.advance(HEARTBEAT_TIMEOUT);
        heartbeatAll("w1", "w3");
        assertEquals(List.of(), sm.tick(), "exactly at the deadline is still alive");
        clock.advance(Duration.ofMillis(1));
        assertEquals(List.of("w2"), sm.tick());
        assertEquals(generation + 1, sm.generation());
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase(), "survivors re-rendezvous at once after a job ran");
        assertEquals(List.of("w1", "w3"), ringOf("w1"));
        assertEquals(1, sm.assignmentFor("w3").getRank());
        Assignment evicted = sm.assignmentFor("w2").build();
        assertEquals(ASSIGNMENT_STATE_STOPPED, evicted.getState());
        assertEquals(Removal.REMOVAL_EVICTED, evicted.getRemoval());
        assertTrue(evicted.getReason().contains("missed heartbeats"), evicted.getReason());
        assertEquals(MemberOutcome.UNKNOWN_WORKER, sm.heartbeat("w2"));
    }

    @Test
    void shouldAdmitRejoiningWorkerAtNextGenerationKeepingSurvivorRanks() {
        sm.startJob("job-1", new JobLimits(2, 0));
        join("w1", "w2", "w3");
        clock.advance(JOIN_TIMEOUT);
        sm.tick();
        assertEquals(List.of("w1", "w2", "w3"), ringOf("w1"));
        clock.advance(HEARTBEAT_TIMEOUT.plusMillis(1));
        heartbeatAll("w2", "w3");
        assertEquals(List.of("w1"), sm.tick());
        assertEquals(List.of("w2", "w3"), ringOf("w2"), "survivors keep their relative order");
        long generation = sm.generation();
        join("w1");
        assertEquals(generation + 1, sm.generation());
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase(), "a joiner of a running job is admitted at the new generation");
        assertEquals(List.of("w2", "w3", "w1"), ringOf("w1"));
        assertEquals(Removal.REMOVAL_NONE, sm.assignmentFor("w1").getRemoval());
    }

    @Test
    void shouldPauseBelowMinWorkersAndResumeWhenWorkersReturn() {
        sm.startJob("job-1", new JobLimits(2, 2));
        join("w1", "w2");
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase());
        sm.leave("w2", "preempted");
        assertEquals(ASSIGNMENT_STATE_PAUSED, sm.phase());
        assertEquals("paused: workers=1 < min_workers=2", sm.assignmentFor("w1").getReason());
        assertEquals(0, sm.assignmentFor("w1").getPeersCount());
        long paused = sm.generation();
        join("w4");
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase(), "resumes without a join timeout");
        assertEquals(paused + 1, sm.generation());
        assertEquals(List.of("w1", "w4"), ringOf("w4"));
    }

    @Test
    void shouldKeepWorkersBeyondMaxAsStandbysAndPromoteThem() {
        sm.startJob("job-1", new JobLimits(1, 2));
        join("w1", "w2", "w3");
        assertEquals(List.of("w1", "w2"), ringOf("w1"));
        Assignment standby = sm.assignmentFor("w3").build();
        assertEquals(ASSIGNMENT_STATE_WAITING, standby.getState());
        assertTrue(standby.getReason().startsWith("standby"), standby.getReason());
        sm.leave("w1", "bye");
        assertEquals(List.of("w2", "w3"), ringOf("w3"));
        assertEquals(1, sm.assignmentFor("w3").getRank());
    }

    @Test
    void shouldDrainWorkerAndRefuseItsRejoin() {
        sm.startJob("job-1", new JobLimits(1, 0));
        join("w1", "w2");
        clock.advance(JOIN_TIMEOUT);
        sm.tick();
        long generation = sm.generation();
        assertEquals(MemberOutcome.OK, sm.drain("w2", "maintenance"));
        assertEquals(generation + 1, sm.generation());
        assertEquals(List.of("w1"), ringOf("w1"));
        Assignment drained = sm.assignmentFor("w2").build();
        assertEquals(Removal.REMOVAL_DRAINED, drained.getRemoval());
        assertEquals("drained by admin: maintenance", drained.getReason());
        assertEquals(JoinOutcome.REJECTED_DRAINED, sm.join("w2", "h", 1, Map.of()));
        assertEquals(generation + 1, sm.generation(), "a refused join changes nothing");
        assertTrue(sm.members().stream().anyMatch(m -> m.workerId().equals("w2") && m.drained()));
    }

    @Test
    void shouldEvictOnAdminRequestAndAllowRejoin() {
        sm.startJob("job-1", new JobLimits(1, 0));
        join("w1", "w2");
        assertEquals(MemberOutcome.OK, sm.evict("w2", "bad gpu"));
        assertEquals(Removal.REMOVAL_EVICTED, sm.assignmentFor("w2").getRemoval());
        assertEquals("evicted by admin: bad gpu", sm.assignmentFor("w2").getReason());
        assertEquals(MemberOutcome.UNKNOWN_WORKER, sm.evict("w2", "again"));
        assertEquals(JoinOutcome.ADMITTED, sm.join("w2", "h", 1, Map.of()));
        assertFalse(sm.assignmentFor("w2").getRemoval() != Removal.REMOVAL_NONE);
    }

    @Test
    void shouldReportUnknownWorkersAsValues() {
        assertEquals(MemberOutcome.UNKNOWN_WORKER, sm.heartbeat("ghost"));
        assertEquals(MemberOutcome.UNKNOWN_WORKER, sm.leave("ghost", "x"));
        assertEquals(MemberOutcome.UNKNOWN_WORKER, sm.drain("ghost", "x"));
        assertEquals(0, sm.generation());
    }

    @Test
    void shouldStopEveryoneWhenTheJobEndsAndStartTheNextAtANewGeneration() {
        sm.startJob("job-1", new JobLimits(1, 1));
        join("w1");
        long running = sm.generation();
        sm.endJob("job job-1 ended: finished");
        assertEquals(running + 1, sm.generation());
        Assignment stopped = sm.assignmentFor("w1").build();
        assertEquals(ASSIGNMENT_STATE_STOPPED, stopped.getState());
        assertEquals(Removal.REMOVAL_NONE, stopped.getRemoval(), "members stay for the next job");
        sm.startJob("job-2", new JobLimits(1, 1));
        assertEquals(running + 2, sm.generation());
        assertEquals(ASSIGNMENT_STATE_RUNNING, sm.phase());
        assertEquals("job-2", sm.assignmentFor("w1").getJobId());
    }

    @Test
    void shouldContinueGenerationsAfterARestart() {
        sm.resumeGenerationsAfter(41);
        join("w1");
        assertEquals(42, sm.generation());
    }
}

package io.ringclip.coordinator.membership;

import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.api.Removal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Membership and rendezvous of the workers of one coordinator, as a pure state machine.
 *
 * <p>Not thread-safe by design: exactly one thread (the coordinator's command loop) owns it; time
 * comes from the injected {@link CoordinatorClock}, so tests advance a {@link ManualClock}.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li><b>member</b>: a joined worker that heartbeats; <b>ring</b>: the members of a RUNNING
 *       generation in rank order (survivors keep their relative order, newcomers follow in join
 *       order); members beyond {@code maxWorkers} wait as standbys.</li>
 *   <li><b>generation</b>: bumped on every membership change (join, re-join, leave, eviction,
 *       drain) and on every change of the active job. A ring belongs to one generation.</li>
 *   <li><b>phase</b>: WAITING (no job, below min_workers, or the first rendezvous of a job waits up
 *       to the join timeout for more joiners), RUNNING (ring published), PAUSED (the job has run and
 *       fell below min_workers), STOPPED (the job ended; members stay for the next job).</li>
 * </ul>
 *
 * <p>Rendezvous rule with an active job and {@code n} members: {@code n >= maxWorkers} publishes
 * at once; {@code n >= minWorkers} publishes at once if the job has run before (an elastic
 * resize: new members are admitted at this new generation), else after the join timeout counted
 * from the moment min_workers was reached; {@code n < minWorkers} waits (or pauses).
 *
 * <p>Expected outcomes (unknown worker, drained worker) are returned as values, never thrown.
 */
public final class MembershipStateMachine {

    /** Outcome of {@link #join}. */
    public enum JoinOutcome { ADMITTED, REJECTED_DRAINED }

    /** Outcome of heartbeat, leave, evict and drain. */
    public enum MemberOutcome { OK, UNKNOWN_WORKER }

    private static final int MAX_REMEMBERED_REMOVALS = 4096;

    private final CoordinatorClock clock;
    private final MembershipConfig config;

    /** Members in join order. */
    private final LinkedHashMap<String, Member> members = new LinkedHashMap<>();
    /** Drained workers, kept out until the coordinator restarts. */
    private final LinkedHashMap<String, MemberView> drained = new LinkedHashMap<>();
    /** Why recently removed workers were removed, for their last assignment message. */
    private final LinkedHashMap<String, Removed> removed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Removed> eldest) {
            return size() > MAX_REMEMBERED_REMOVALS;
        }
    };

    private long generation;
    private AssignmentState phase = AssignmentState.ASSIGNMENT_STATE_WAITING;
    private String reason = "waiting: no job submitted";
    private List<String> ring = List.of();

    private String activeJobId = "";
    private JobLimits limits; // null when no job is active
    private boolean jobHasRun;
    private long minReachedAtNs = -1;

    public MembershipStateMachine(CoordinatorClock clock, MembershipConfig config) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Starts at a generation above every generation of an earlier coordinator run (recovery). */
    public void resumeGenerationsAfter(long lastGeneration) {
        if (lastGeneration < 0) {
            throw new IllegalArgumentException("generation must be >= 0: lastGeneration=" + lastGeneration);
        }
        generation = Math.max(generation, lastGeneration);
    }

    // ---------------------------------------------------------------------------------------
    // Commands

    /** Joins or re-joins (a re-join is a new process: it always starts a new generation). */
    public JoinOutcome join(String workerId, String host, int dataPort, Map<String, String> capabilities) {
        if (drained.containsKey(workerId)) {
            return JoinOutcome.REJECTED_DRAINED;
        }
        long nowNs = clock.nanoTime();
        Member previous = members.remove(workerId);
        long joinedNs = previous == null ? nowNs : previous.joinedNs;
        members.put(workerId, new Member(workerId, host, dataPort, Map.copyOf(capabilities), joinedNs, nowNs));
        removed.remove(workerId);
        membershipChanged();
        return JoinOutcome.ADMITTED;
    }

    public MemberOutcome heartbeat(String workerId) {
        Member m = members.get(workerId);
        if (m == null) {
            return MemberOutcome.UNKNOWN_WORKER;
        }
        m.lastHeartbeatNs = clock.nanoTime();
        return MemberOutcome.OK;
    }

    public MemberOutcome leave(String workerId, String why) {
        return remove(workerId, Removal.REMOVAL_LEFT, "left: " + why);
    }

    public MemberOutcome evict(String workerId, String why) {
        return remove(workerId, Removal.REMOVAL_EVICTED, "evicted by admin: " + why);
    }

    /** Removes the worker and keeps it out until this coordinator restarts. */
    public MemberOutcome drain(String workerId, String why) {
        Member m = members.get(workerId);
        if (m == null) {
            return MemberOutcome.UNKNOWN_WORKER;
        }
        drained.put(workerId, m.view(-1, true));
        return remove(workerId, Removal.REMOVAL_DRAINED, "drained by admin: " + why);
    }

    /**
     * Advances time: evicts every member silent for longer than the heartbeat timeout, then
     * publishes a ring whose join timeout elapsed.
     *
     * @return the ids evicted by this tick, in join order
     */
    public List<String> tick() {
        long nowNs = clock.nanoTime();
        List<String> evicted = new ArrayList<>();
        for (Member m : List.copyOf(members.values())) {
            long silentNs = nowNs - m.lastHeartbeatNs;
            if (silentNs > config.heartbeatTimeoutNs()) {
                evicted.add(m.workerId);
                remove(m.workerId, Removal.REMOVAL_EVICTED, "evicted: missed heartbeats, silent_ms=" + silentNs / 1_000_000
                        + " > heartbeat_timeout_ms=" + config.heartbeatTimeoutNs() / 1_000_000);
            }
        }
        reconcile();
        return evicted;
    }

    /** Makes {@code jobId} the active job: a new generation, rendezvous starts afresh. */
    public void startJob(String jobId, JobLimits jobLimits) {
        activeJobId = Objects.requireNonNull(jobId, "jobId");
        limits = Objects.requireNonNull(jobLimits, "jobLimits");
        jobHasRun = false;
        minReachedAtNs = -1;
        generation++;
        ring = List.of();
        reconcile();
    }

    /** Ends the active job: a new generation in which every member is told STOPPED. */
    public void endJob(String why) {
        if (limits == null) {
            return;
        }
        limits = null;
        generation++;
        ring = List.of();
        phase = AssignmentState.ASSIGNMENT_STATE_STOPPED;
        reason = why;
    }

    /** {@code min_workers} used when a job leaves it at 0. */
    public int defaultMinWorkers() {
        return config.defaultMinWorkers();
    }

    // ---------------------------------------------------------------------------------------
    // Queries

    public long generation() {
        return generation;
    }

    public AssignmentState phase() {
        return phase;
    }

    public String reason() {
        return reason;
    }

    public String activeJobId() {
        return activeJobId;
    }

    public boolean hasActiveJob() {
        return limits != null;
    }

    public int memberCount() {
        return members.size();
    }

    public List<String> ring() {
        return ring;
    }

    public MembershipConfig config() {
        return config;
    }

    public boolean isMember(String workerId) {
        return members.containsKey(workerId);
    }

    /** Members (ring first, in rank order, then the others in join order), then drained workers. */
    public List<MemberView> members() {
        List<MemberView> out = new ArrayList<>();
        for (int rank = 0; rank < ring.size(); rank++) {
            out.add(members.get(ring.get(rank)).view(rank, false));
        }
        members.values().stream()
                .filter(m -> !ring.contains(m.workerId))
                .forEach(m -> out.add(m.view(-1, false)));
        out.addAll(drained.values());
        return out;
    }

    /**
     * What {@code workerId} should do now: its rank and the ring when RUNNING, otherwise the phase
     * and a reason. A removed worker gets STOPPED with the removal; an unknown one NOT a member.
     * Job fields are left for the caller (the state machine knows only the job id).
     */
    public Assignment.Builder assignmentFor(String workerId) {
        Assignment.Builder a = Assignment.newBuilder()
                .setWorkerId(workerId)
                .setGeneration(generation)
                .setJobId(activeJobId)
                .setRank(-1);
        Member m = members.get(workerId);
        if (m == null) {
            Removed r = removed.get(workerId);
            return a.setState(AssignmentState.ASSIGNMENT_STATE_STOPPED)
                    .setRemoval(r == null ? Removal.REMOVAL_EVICTED : r.removal)
                    .setReason(r == null ? "not a member: join first" : r.reason);
        }
        int rank = ring.indexOf(workerId);
        if (phase == AssignmentState.ASSIGNMENT_STATE_RUNNING && rank < 0) {
            return a.setState(AssignmentState.ASSIGNMENT_STATE_WAITING)
                    .setReason("standby: ring full, max_workers=" + limits.maxWorkers());
        }
        a.setState(phase).setReason(reason);
        if (phase == AssignmentState.ASSIGNMENT_STATE_RUNNING) {
            a.setRank(rank).setWorldSize(ring.size());
            for (int r = 0; r < ring.size(); r++) {
                Member p = members.get(ring.get(r));
                a.addPeers(Peer.newBuilder().setRank(r).setWorkerId(p.workerId).setHost(p.host).setDataPort(p.dataPort));
            }
        }
        return a;
    }

    // ---------------------------------------------------------------------------------------
    // Transitions

    private MemberOutcome remove(String workerId, Removal removal, String why) {
        if (members.remove(workerId) == null) {
            return MemberOutcome.UNKNOWN_WORKER;
        }
        removed.put(workerId, new Removed(removal, why));
        membershipChanged();
        return MemberOutcome.OK;
    }

    private void membershipChanged() {
        generation++;
        reconcile();
    }

    /** Recomputes phase, reason and ring from members, limits and time. */
    private void reconcile() {
        if (limits == null) {
            ring = List.of();
            if (phase != AssignmentState.ASSIGNMENT_STATE_STOPPED) {
                phase = AssignmentState.ASSIGNMENT_STATE_WAITING;
                reason = "waiting: no job submitted";
            }
            return;
        }
        int n = members.size();
        if (n < limits.minWorkers()) {
            minReachedAtNs = -1;
            ring = List.of();
            if (jobHasRun) {
                phase = AssignmentState.ASSIGNMENT_STATE_PAUSED;
                reason = "paused: workers=" + n + " < min_workers=" + limits.minWorkers();
            } else {
                phase = AssignmentState.ASSIGNMENT_STATE_WAITING;
                reason = "waiting: workers=" + n + " < min_workers=" + limits.minWorkers();
            }
            return;
        }
        long nowNs = clock.nanoTime();
        if (minReachedAtNs < 0) {
            minReachedAtNs = nowNs;
        }
        long waitedNs = nowNs - minReachedAtNs;
        boolean publish = jobHasRun || limits.atCapacity(n) || waitedNs >= config.joinTimeoutNs();
        if (!publish) {
            phase = AssignmentState.ASSIGNMENT_STATE_WAITING;
            ring = List.of();
            reason = "rendezvous: workers=" + n + ", min_workers=" + limits.minWorkers() + ", max_workers="
                    + limits.maxWorkers() + ", join_timeout_ms=" + config.joinTimeoutNs() / 1_000_000;
            return;
        }
        ring = nextRing(limits.ringSize(n));
        jobHasRun = true;
        phase = AssignmentState.ASSIGNMENT_STATE_RUNNING;
        reason = "running: world_size=" + ring.size();
    }

    /** Survivors of the current ring keep their relative order; others follow in join order. */
    private List<String> nextRing(int size) {
        List<String> order = new ArrayList<>(members.keySet());
        Map<String, Integer> oldRank = new HashMap<>();
        for (int r = 0; r < ring.size(); r++) {
            oldRank.put(ring.get(r), r);
        }
        order.sort(Comparator.comparingInt(id -> oldRank.getOrDefault(id, Integer.MAX_VALUE)));
        return List.copyOf(order.subList(0, size));
    }

    private static final class Member {
        final String workerId;
        final String host;
        final int dataPort;
        final Map<String, String> capabilities;
        final long joinedNs;
        long lastHeartbeatNs;

        Member(String workerId, String host, int dataPort, Map<String, String> capabilities, long joinedNs, long lastHeartbeatNs) {
            this.workerId = workerId;
            this.host = host;
            this.dataPort = dataPort;
            this.capabilities = capabilities;
            this.joinedNs = joinedNs;
            this.lastHeartbeatNs = lastHeartbeatNs;
        }

        MemberView view(int rank, boolean isDrained) {
            return new MemberView(workerId, host, dataPort, capabilities, joinedNs, lastHeartbeatNs, rank, isDrained);
        }
    }

    private record Removed(Removal removal, String reason) {}
}

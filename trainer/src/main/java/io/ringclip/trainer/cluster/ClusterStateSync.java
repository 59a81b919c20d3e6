package io.ringclip.trainer.cluster;

import io.ringclip.comm.CollectiveException;
import io.ringclip.trainer.loop.StateSync;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Elastic training's {@link StateSync}: after a failed collective, wait for the coordinator's next
 * generation (a dead peer found by comm first is normal: the coordinator notices within its
 * heartbeat timeout), rebuild the ring, and {@link StateAgreement agree} on the newest committed
 * state; the same agreement starts a run, so a newcomer receives the survivors' state.
 *
 * <p>Deadlines: {@code generationTimeout} for the coordinator to start any new generation after a
 * failure, then {@code ringTimeout} for a RUNNING one (a job below min_workers stays PAUSED until
 * workers return). Either passing ends the worker with an {@link IllegalStateException} naming it.
 */
public final class ClusterStateSync implements StateSync {

    private final ElasticRing ring;
    private final Duration generationTimeout;
    private final Duration ringTimeout;
    private final Consumer<String> log;
    private final StateAgreement agreement = new StateAgreement();

    // training thread only
    private long failedAtUnixMs = -1;
    private int failedAtStep = -1;

    public ClusterStateSync(ElasticRing ring, Duration generationTimeout, Duration ringTimeout, Consumer<String> log) {
        this.ring = Objects.requireNonNull(ring, "ring");
        this.generationTimeout = Objects.requireNonNull(generationTimeout, "generationTimeout");
        this.ringTimeout = Objects.requireNonNull(ringTimeout, "ringTimeout");
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public Resume start(State local) {
        return agreeOnCurrentRing(local);
    }

    @Override
    public Resume recover(CollectiveException cause, State committed) {
        failedAtUnixMs = System.currentTimeMillis();
        failedAtStep = committed.step();
        log.accept("elastic: step " + committed.step() + " failed, rebuilding the ring: " + cause.getMessage());
        rebuild(cause);
        Resume r = agreeOnCurrentRing(committed);
        log.accept("elastic: state agreed: generation=" + ring.comm().generation() + ", world_size=" + ring.comm().worldSize()
                + ", rank=" + ring.comm().rank() + ", resume_step=" + r.step() + ", failed_step=" + failedAtStep
                + ", since_failure_ms=" + (System.currentTimeMillis() - failedAtUnixMs));
        return r;
    }

    /**
     * Call after each completed step: the first one after a recovery logs the recovery's timeline
     * ({@code unix_ms} values are comparable with other processes' clocks on the same host).
     */
    public void stepCompleted(int step) {
        if (failedAtUnixMs < 0) {
            return;
        }
        long now = System.currentTimeMillis();
        log.accept("elastic: training again: first_step=" + step + ", generation=" + ring.comm().generation()
                + ", world_size=" + ring.comm().worldSize() + ", failed_step=" + failedAtStep
                + ", failure_unix_ms=" + failedAtUnixMs + ", first_step_done_unix_ms=" + now
                + ", recovery_ms=" + (now - failedAtUnixMs));
        failedAtUnixMs = -1;
    }

    private Resume agreeOnCurrentRing(State local) {
        while (true) {
            try {
                return agreement.agree(ring.comm(), local);
            } catch (CollectiveException e) {
                log.accept("elastic: ring broke while agreeing on state: " + e.getMessage());
                rebuild(e);
            }
        }
    }

    private void rebuild(CollectiveException cause) {
        ring.closeCurrent();
        try {
            ring.rendezvous().awaitGenerationAfter(cause.generation(), generationTimeout);
        } catch (JobStoppedException e) {
            throw e;
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no new generation from the coordinator after a failed collective: "
                    + "generation_timeout=" + generationTimeout + ", failure=" + cause.reason() + "; " + e.getMessage(), e);
        }
        ring.connectNext(ringTimeout);
    }
}

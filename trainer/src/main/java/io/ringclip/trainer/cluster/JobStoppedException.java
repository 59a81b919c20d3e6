package io.ringclip.trainer.cluster;

/**
 * The coordinator told this worker to stop: the job ended (finished, stopped or cancelled), the
 * worker was drained, or the coordinator refused it for good. Not a failure of this worker.
 */
public final class JobStoppedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;
    private final boolean drained;

    JobStoppedException(String message, boolean drained) {
        super(message);
        this.drained = drained;
    }

    /** True when an admin drained this worker (it must not come back). */
    public boolean drained() {
        return drained;
    }
}

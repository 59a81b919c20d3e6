package io.ringclip.trainer.loop;

import io.ringclip.comm.CollectiveException;
import io.ringclip.trainer.amp.LossScaler;
import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.optim.AdamW;

/**
 * How the ranks of a {@link Worker} come to hold the same training state: at the start of a run,
 * and (elastic training) after a collective failed because the membership changed.
 *
 * <p>Simulation mode uses {@link #BROADCAST_PARAMS}: rank 0's weights are broadcast once and a
 * failed collective ends the run. A cluster worker (package {@code trainer.cluster}) waits for the
 * coordinator's next generation, rebuilds the ring under the same {@link WorkerComm}, and has the
 * ranks agree on the newest committed state.
 */
public interface StateSync {

    /**
     * A rank's training state at a commit point (after a completed optimizer step, or at the start).
     * The arrays and objects are the live ones; a sync overwrites them in place.
     *
     * @param step      the next optimizer step to run (= completed steps)
     * @param position  the data loader's global cursor before that step
     */
    record State(int step, LoaderPosition position, float[] params, AdamW optimizer, LossScaler scaler) {}

    /** Where to continue after a sync: the step to run next and the data position for it. */
    record Resume(int step, LoaderPosition position) {}

    /** Start of the run: every rank ends with the same state; returns where to continue. */
    Resume start(State local);

    /**
     * A step failed with {@code cause} (its partial gradients are discarded by the caller). Blocks
     * until a new ring stands behind the worker's communicator and every rank holds the same
     * committed state, or throws (the run ends). {@code committed} is this rank's state at its last
     * commit point: a step mutates params, optimizer and scaler only after its last collective, so
     * a step that failed left them as they were.
     */
    Resume recover(CollectiveException cause, State committed);

    /** Simulation mode: rank 0's weights are broadcast at the start; a failure ends the run. */
    static StateSync broadcastParams(WorkerComm comm) {
        return new StateSync() {
            @Override
            public Resume start(State local) {
                if (comm.worldSize() > 1) {
                    comm.broadcast(local.params(), 0, local.params().length, 0);
                }
                return new Resume(local.step(), local.position());
            }

            @Override
            public Resume recover(CollectiveException cause, State committed) {
                throw cause;
            }
        };
    }
}

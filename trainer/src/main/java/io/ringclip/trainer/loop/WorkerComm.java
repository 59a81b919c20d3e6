package io.ringclip.trainer.loop;

import io.ringclip.trainer.dist.FeatureExchange;
import io.ringclip.trainer.sync.GradientCollective;

/**
 * Everything one worker's training loop asks of its communicator: the feature exchange of the
 * distributed loss, the gradient allreduce, and a few small collectives. Implemented over
 * {@code io.ringclip.comm.Communicator} by {@link CommunicatorWorkerComm}.
 */
public interface WorkerComm extends FeatureExchange, GradientCollective, AutoCloseable {

    /** In-place element-wise MAX over ranks of a small vector (the global found-inf flag). */
    void allReduceMax(float[] data);

    /** Copies {@code data[offset, offset+length)} of {@code root} to every rank. */
    void broadcast(float[] data, int offset, int length, int root);

    void barrier();

    /** Fails every pending and future operation here and on the peers (a worker died, or the generation changed). */
    void abort(Throwable cause);

    @Override
    void close();
}

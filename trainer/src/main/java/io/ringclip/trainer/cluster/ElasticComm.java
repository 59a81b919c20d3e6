package io.ringclip.trainer.cluster;

import io.ringclip.comm.Communicator;
import io.ringclip.trainer.config.WireFormatChoice;
import io.ringclip.trainer.loop.CommunicatorWorkerComm;
import io.ringclip.trainer.loop.WorkerComm;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link WorkerComm} a cluster worker trains with: it forwards to the communicator of the
 * current generation, which {@link ElasticRing} replaces when the membership changes. The
 * training loop, the distributed loss and the gradient sync hold this object and never see the
 * swap; rank and world size are read per call, so they change with it.
 *
 * <p>Threading: {@link #swap} runs on the training thread between steps (no operation in
 * flight); {@link #abort} may come from any thread (the coordinator client's).
 */
public final class ElasticComm implements WorkerComm {

    private final WireFormatChoice gradientWire;
    private volatile CommunicatorWorkerComm current;

    public ElasticComm(WireFormatChoice gradientWire) {
        this.gradientWire = gradientWire;
    }

    /** Installs the next generation's communicator; returns the previous one (the caller closes it), or null. */
    Communicator swap(Communicator next) {
        CommunicatorWorkerComm previous = current;
        current = new CommunicatorWorkerComm(next, gradientWire);
        return previous == null ? null : previous.communicator();
    }

    /** The current generation's communicator, or null before the first ring. */
    Communicator communicator() {
        CommunicatorWorkerComm c = current;
        return c == null ? null : c.communicator();
    }

    private CommunicatorWorkerComm c() {
        CommunicatorWorkerComm c = current;
        if (c == null) {
            throw new IllegalStateException("no ring yet: connect the elastic ring before training");
        }
        return c;
    }

    @Override
    public int rank() {
        return c().rank();
    }

    @Override
    public int worldSize() {
        return c().worldSize();
    }

    public long generation() {
        return c().communicator().generation();
    }

    @Override
    public void allGather(float[] local, float[] gathered) {
        c().allGather(local, gathered);
    }

    @Override
    public void reduceScatterSum(float[] full, float[] local) {
        c().reduceScatterSum(full, local);
    }

    @Override
    public void allReduceSum(float[] data) {
        c().allReduceSum(data);
    }

    @Override
    public CompletableFuture<Void> sendRecvAsync(float[] send, float[] recv) {
        return c().sendRecvAsync(send, recv);
    }

    @Override
    public CompletableFuture<Void> allReduceSumAsync(float[] data, int offset, int length) {
        return c().allReduceSumAsync(data, offset, length);
    }

    @Override
    public void allReduceMax(float[] data) {
        c().allReduceMax(data);
    }

    @Override
    public void broadcast(float[] data, int offset, int length, int root) {
        c().broadcast(data, offset, length, root);
    }

    @Override
    public void barrier() {
        c().barrier();
    }

    @Override
    public void abort(Throwable cause) {
        CommunicatorWorkerComm c = current;
        if (c != null) {
            c.abort(cause);
        }
    }

    @Override
    public void close() {
        CommunicatorWorkerComm c = current;
        if (c != null) {
            c.close();
        }
    }
}

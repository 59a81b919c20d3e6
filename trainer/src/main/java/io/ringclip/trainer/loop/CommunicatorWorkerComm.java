package io.ringclip.trainer.loop;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import io.ringclip.trainer.config.WireFormatChoice;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * {@link WorkerComm} over a comm {@link Communicator}. Gradients go on the wire in the job's
 * format ({@code --wire}); features, flags and losses always in fp32 (they are small, and the
 * loss must stay exact).
 */
public final class CommunicatorWorkerComm implements WorkerComm {

    private final Communicator comm;
    private final WireFormat gradientWire;

    public CommunicatorWorkerComm(Communicator comm, WireFormatChoice gradientWire) {
        this.comm = comm;
        this.gradientWire = WireFormat.valueOf(gradientWire.name());
    }

    public Communicator communicator() {
        return comm;
    }

    @Override
    public int rank() {
        return comm.rank();
    }

    @Override
    public int worldSize() {
        return comm.worldSize();
    }

    @Override
    public void allGather(float[] local, float[] gathered) {
        int[] counts = new int[comm.worldSize()];
        Arrays.fill(counts, local.length);
        comm.allGather(local, 0, gathered, counts);
    }

    @Override
    public void reduceScatterSum(float[] full, float[] local) {
        int[] counts = new int[comm.worldSize()];
        Arrays.fill(counts, local.length);
        comm.reduceScatter(full, local, 0, counts, ReduceOp.SUM, WireFormat.FP32);
    }

    @Override
    public void allReduceSum(float[] data) {
        comm.allReduce(data, 0, data.length, ReduceOp.SUM, WireFormat.FP32);
    }

    @Override
    public CompletableFuture<Void> sendRecvAsync(float[] send, float[] recv) {
        return comm.sendRecvAsync(send, 0, recv, 0, send.length);
    }

    @Override
    public CompletableFuture<Void> allReduceSumAsync(float[] data, int offset, int length) {
        return comm.allReduceAsync(data, offset, length, ReduceOp.SUM, gradientWire);
    }

    @Override
    public void allReduceMax(float[] data) {
        comm.allReduce(data, 0, data.length, ReduceOp.MAX, WireFormat.FP32);
    }

    @Override
    public void broadcast(float[] data, int offset, int length, int root) {
        comm.broadcast(data, offset, length, root);
    }

    @Override
    public void barrier() {
        comm.barrier();
    }

    @Override
    public void abort(Throwable cause) {
        comm.abort(cause);
    }

    @Override
    public void close() {
        comm.close();
    }
}

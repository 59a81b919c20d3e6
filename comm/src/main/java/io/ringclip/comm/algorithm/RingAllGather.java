package io.ringclip.comm.algorithm;

/**
 * Ring allgather, segmented and pipelined (see {@link RingPartition} for the schedule). {@code buf}
 * already holds this rank's chunk; step 0 sends it, and every received segment is written in place
 * and its wire bytes are forwarded as they arrived (no re-encoding), except at the last step.
 */
public final class RingAllGather {

    private RingAllGather() {}

    public static void run(OpContext ctx, float[] buf, RingPartition partition) {
        int n = ctx.worldSize();
        int rank = ctx.rank();
        if (n == 1) {
            return;
        }
        for (int k = 0; k < partition.segments(rank); k++) {
            ctx.send(ctx.next(), buf, partition.segmentOffset(rank, k), partition.segmentLength(rank, k));
        }
        for (int step = 0; step < n - 1; step++) {
            int chunk = partition.allGatherStep(rank, step).recvChunk();
            boolean last = step == n - 2;
            for (int k = 0; k < partition.segments(chunk); k++) {
                int offset = partition.segmentOffset(chunk, k);
                int length = partition.segmentLength(chunk, k);
                if (last) {
                    ctx.receive(ctx.prev(), buf, offset, length);
                } else {
                    ctx.receiveForward(ctx.prev(), ctx.next(), buf, offset, length);
                }
            }
        }
        ctx.drain();
    }
}

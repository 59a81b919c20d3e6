package io.ringclip.comm.algorithm;

import io.ringclip.comm.ReduceOp;

/**
 * Ring reduce-scatter, segmented and pipelined (see {@link RingPartition} for the schedule).
 *
 * <p>Step 0 sends this rank's own data of chunk (r-1). Each later message is a partial reduction:
 * segment k of the chunk received at step s, plus this rank's contribution, leaves for the
 * successor as segment k of step s+1 right away, so reducing one segment overlaps moving the next.
 * The received bytes are reduced where they arrived, straight into the outgoing frame
 * ({@link OpContext#receiveReduceSend}), so {@code src} is never written and no segment is decoded
 * first. At the last step the received chunk is this rank's own: it is folded into {@code dst},
 * finished (AVG divides once) there.
 */
public final class RingReduceScatter {

    private RingReduceScatter() {}

    /**
     * @param src every rank's full input, laid out as {@code partition}
     * @param dst receives chunk {@code rank} of the reduction at {@code dstOffset}
     */
    public static void run(OpContext ctx, float[] src, RingPartition partition, float[] dst, int dstOffset, ReduceOp op) {
        int n = ctx.worldSize();
        int rank = ctx.rank();
        if (n == 1) {
            System.arraycopy(src, partition.chunkOffset(0), dst, dstOffset, partition.chunkLength(0));
            return;
        }
        RingStep first = partition.reduceScatterStep(rank, 0);
        for (int k = 0; k < partition.segments(first.sendChunk()); k++) {
            ctx.send(ctx.next(), src, partition.segmentOffset(first.sendChunk(), k),
                    partition.segmentLength(first.sendChunk(), k));
        }
        for (int step = 0; step < n - 1; step++) {
            int chunk = partition.reduceScatterStep(rank, step).recvChunk();
            boolean last = step == n - 2;
            for (int k = 0; k < partition.segments(chunk); k++) {
                int offset = partition.segmentOffset(chunk, k);
                int length = partition.segmentLength(chunk, k);
                if (last) {
                    // reduce straight into dst: saves a copy of the chunk (dst may be src itself, in place)
                    int at = dstOffset + (offset - partition.chunkOffset(chunk));
                    if (dst != src || at != offset) {
                        System.arraycopy(src, offset, dst, at, length);
                    }
                    ctx.receiveAccumulate(ctx.prev(), op, dst, at, length);
                    op.finish(dst, at, length, n);
                } else {
                    ctx.receiveReduceSend(ctx.prev(), ctx.next(), op, src, offset, length); // segment k of step + 1
                }
            }
        }
        ctx.drain();
    }
}

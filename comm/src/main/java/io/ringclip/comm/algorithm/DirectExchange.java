package io.ringclip.comm.algorithm;

import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.wire.WireCodec;
import java.util.Arrays;

/**
 * Latency-bound sizes: one round in which every rank sends straight to every other rank (n-1
 * messages each), instead of the ring's 2(n-1) dependent steps. Reductions combine the
 * contributions in rank order 0..n-1 on every rank, so all ranks get bit-identical results; each
 * rank rounds its own contribution to the wire format first, as the others see it.
 */
public final class DirectExchange {

    private DirectExchange() {}

    /** allreduce of {@code data[offset, offset+length)} in place. */
    public static void allReduce(OpContext ctx, float[] data, int offset, int length, ReduceOp op) {
        int n = ctx.worldSize();
        int rank = ctx.rank();
        if (n == 1) {
            return;
        }
        for (int peer = 0; peer < n; peer++) {
            if (peer != rank) {
                ctx.send(peer, data, offset, length);
            }
        }
        float[] own = Arrays.copyOfRange(data, offset, offset + length);
        WireCodec.quantize(ctx.wire(), own, 0, length);
        float[] incoming = ctx.scratch(length);
        for (int peer = 0; peer < n; peer++) {
            if (peer == rank) {
                contribute(own, 0, data, offset, length, op, peer);
            } else {
                ctx.receive(peer, incoming, 0, length);
                contribute(incoming, 0, data, offset, length, op, peer);
            }
        }
        op.finish(data, offset, length, n);
        ctx.drain();
    }

    /** reduce-scatter: sends rank j its block of {@code partition}, reduces the blocks received for this rank. */
    public static void reduceScatter(OpContext ctx, float[] src, RingPartition partition, float[] dst, int dstOffset,
            ReduceOp op) {
        int n = ctx.worldSize();
        int rank = ctx.rank();
        for (int peer = 0; peer < n; peer++) {
            if (peer != rank && partition.chunkLength(peer) > 0) {
                ctx.send(peer, src, partition.chunkOffset(peer), partition.chunkLength(peer));
            }
        }
        int length = partition.chunkLength(rank);
        float[] own = Arrays.copyOfRange(src, partition.chunkOffset(rank), partition.chunkOffset(rank) + length);
        if (n > 1) {
            WireCodec.quantize(ctx.wire(), own, 0, length);
        }
        float[] incoming = ctx.scratch(length);
        for (int peer = 0; peer < n; peer++) {
            if (peer == rank) {
                contribute(own, 0, dst, dstOffset, length, op, peer);
            } else if (length > 0) {
                ctx.receive(peer, incoming, 0, length);
                contribute(incoming, 0, dst, dstOffset, length, op, peer);
            }
        }
        op.finish(dst, dstOffset, length, n);
        ctx.drain();
    }

    /** allgather: {@code buf} holds this rank's chunk; every rank sends it to every other. */
    public static void allGather(OpContext ctx, float[] buf, RingPartition partition) {
        int n = ctx.worldSize();
        int rank = ctx.rank();
        for (int peer = 0; peer < n; peer++) {
            if (peer != rank && partition.chunkLength(rank) > 0) {
                ctx.send(peer, buf, partition.chunkOffset(rank), partition.chunkLength(rank));
            }
        }
        for (int peer = 0; peer < n; peer++) {
            if (peer != rank && partition.chunkLength(peer) > 0) {
                ctx.receive(peer, buf, partition.chunkOffset(peer), partition.chunkLength(peer));
            }
        }
        ctx.drain();
    }

    /** The first contribution (rank 0) initialises the result; later ones combine into it. */
    private static void contribute(float[] x, int xOffset, float[] acc, int accOffset, int length, ReduceOp op, int peer) {
        if (peer == 0) {
            System.arraycopy(x, xOffset, acc, accOffset, length);
        } else {
            op.accumulate(acc, accOffset, x, xOffset, length);
        }
    }
}

package io.ringclip.comm.algorithm;

/**
 * Ring neighbour exchange (SigLIP's text-feature rotation): send a block to the successor while
 * receiving one of the same length from the predecessor, segment by segment so both directions of
 * every link are busy at once.
 */
public final class NeighbourExchange {

    private NeighbourExchange() {}

    public static void run(OpContext ctx, float[] send, int sendOffset, float[] recv, int recvOffset, int length) {
        if (ctx.worldSize() == 1) {
            System.arraycopy(send, sendOffset, recv, recvOffset, length);
            return;
        }
        int segment = ctx.segmentElements();
        for (int done = 0; done < length; done += segment) {
            int len = Math.min(segment, length - done);
            ctx.send(ctx.next(), send, sendOffset + done, len);
            ctx.receive(ctx.prev(), recv, recvOffset + done, len);
        }
        ctx.drain();
    }
}

package io.ringclip.comm.algorithm;

/**
 * Broadcast from {@code root}. Small messages go from the root straight to every rank (one hop).
 * Large ones flow down the ring as a segmented pipeline: the rank at ring distance d from the root
 * receives segment k from its predecessor and forwards it at once, so all links carry data together
 * and the time is about size/bandwidth + (n-2) segment times.
 */
public final class Broadcast {

    private Broadcast() {}

    public static void direct(OpContext ctx, float[] data, int offset, int length, int root) {
        if (ctx.worldSize() == 1 || length == 0) {
            return;
        }
        if (ctx.rank() == root) {
            for (int peer = 0; peer < ctx.worldSize(); peer++) {
                if (peer != root) {
                    ctx.send(peer, data, offset, length);
                }
            }
            ctx.drain();
        } else {
            ctx.receive(root, data, offset, length);
        }
    }

    public static void ring(OpContext ctx, float[] data, int offset, int length, int root) {
        int n = ctx.worldSize();
        if (n == 1 || length == 0) {
            return;
        }
        int distance = Math.floorMod(ctx.rank() - root, n);
        boolean forwards = distance < n - 1;
        int segment = ctx.segmentElements();
        for (int start = offset, end = offset + length; start < end; start += segment) {
            int len = Math.min(segment, end - start);
            if (distance > 0) {
                ctx.receive(ctx.prev(), data, start, len);
            }
            if (forwards) {
                ctx.send(ctx.next(), data, start, len);
            }
        }
        ctx.drain();
    }
}

package io.ringclip.comm.algorithm;

/** Every rank sends an empty message to every other and waits for all of theirs: one round. */
public final class Barrier {

    private Barrier() {}

    private static final float[] NOTHING = new float[0];

    public static void run(OpContext ctx) {
        int n = ctx.worldSize();
        for (int peer = 0; peer < n; peer++) {
            if (peer != ctx.rank()) {
                ctx.send(peer, NOTHING, 0, 0);
            }
        }
        for (int peer = 0; peer < n; peer++) {
            if (peer != ctx.rank()) {
                ctx.receive(peer, NOTHING, 0, 0);
            }
        }
        ctx.drain();
    }
}

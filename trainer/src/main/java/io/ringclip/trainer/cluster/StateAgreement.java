package io.ringclip.trainer.cluster;

import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.loop.StateSync;
import io.ringclip.trainer.loop.WorkerComm;

/**
 * Makes every rank of a fresh ring hold the same training state: the newest committed state any
 * rank has, taken from the lowest rank that has it (the survivors of a ring keep their order, so
 * that is normally the lowest surviving rank; a newcomer starts at step 0 and never wins over a survivor).
 *
 * <pre>
 *   1. allGather   each rank's committed step (4 floats)            → root = lowest rank with the max step
 *   2. broadcast   header from root (7 longs × 4 floats, below)
 *   3. broadcast   params, AdamW m, AdamW v from root (P floats each)
 * </pre>
 * Header longs, in order: step, data epoch, data index in epoch, AdamW step, loss scale (IEEE
 * double bits), scaler clean steps, scaler skipped steps. A long travels as four floats of 16 bits
 * each (most significant first): every value 0..65535 is exact in fp32, so no bit pattern is lost.
 *
 * <p>Non-root ranks receive into scratch arrays and copy them in only when every broadcast has
 * succeeded: if the ring breaks again mid-way, a rank's committed state is still intact for the
 * next attempt.
 */
public final class StateAgreement {

    static final int FLOATS_PER_LONG = 4;
    static final int HEADER_LONGS = 7;

    private float[] scratchParams;
    private float[] scratchM;
    private float[] scratchV;

    /** Runs the protocol on {@code comm}; returns where every rank continues. */
    public StateSync.Resume agree(WorkerComm comm, StateSync.State local) {
        int world = comm.worldSize();
        if (world == 1) {
            return new StateSync.Resume(local.step(), local.position());
        }
        float[] mine = new float[FLOATS_PER_LONG];
        putLong(mine, 0, local.step());
        float[] steps = new float[FLOATS_PER_LONG * world];
        comm.allGather(mine, steps);
        int root = 0;
        long best = getLong(steps, 0);
        for (int r = 1; r < world; r++) {
            long s = getLong(steps, r * FLOATS_PER_LONG);
            if (s > best) {
                best = s;
                root = r;
            }
        }
        boolean isRoot = comm.rank() == root;

        float[] header = new float[HEADER_LONGS * FLOATS_PER_LONG];
        if (isRoot) {
            long[] h = {local.step(), local.position().epoch(), local.position().indexInEpoch(),
                    local.optimizer().state().step(), Double.doubleToLongBits(local.scaler().scale()),
                    local.scaler().cleanSteps(), local.scaler().skippedSteps()};
            for (int i = 0; i < HEADER_LONGS; i++) {
                putLong(header, i * FLOATS_PER_LONG, h[i]);
            }
        }
        comm.broadcast(header, 0, header.length, root);

        float[] params = local.params();
        float[] m = local.optimizer().state().m();
        float[] v = local.optimizer().state().v();
        float[] p = isRoot ? params : scratch(0, params.length);
        float[] mm = isRoot ? m : scratch(1, m.length);
        float[] vv = isRoot ? v : scratch(2, v.length);
        comm.broadcast(p, 0, p.length, root);
        comm.broadcast(mm, 0, mm.length, root);
        comm.broadcast(vv, 0, vv.length, root);

        long step = getLong(header, 0);
        LoaderPosition position = new LoaderPosition(getLong(header, FLOATS_PER_LONG), getLong(header, 2 * FLOATS_PER_LONG));
        if (!isRoot) {
            System.arraycopy(p, 0, params, 0, params.length);
            local.optimizer().state().copyFrom(mm, vv, getLong(header, 3 * FLOATS_PER_LONG));
            local.scaler().restore(Double.longBitsToDouble(getLong(header, 4 * FLOATS_PER_LONG)),
                    (int) getLong(header, 5 * FLOATS_PER_LONG), getLong(header, 6 * FLOATS_PER_LONG));
        }
        return new StateSync.Resume(Math.toIntExact(step), position);
    }

    private float[] scratch(int which, int length) {
        float[] a = switch (which) {
            case 0 -> scratchParams;
            case 1 -> scratchM;
            default -> scratchV;
        };
        if (a == null || a.length != length) {
            a = new float[length];
            switch (which) {
                case 0 -> scratchParams = a;
                case 1 -> scratchM = a;
                default -> scratchV = a;
            }
        }
        return a;
    }

    static void putLong(float[] out, int offset, long value) {
        for (int i = 0; i < FLOATS_PER_LONG; i++) {
            int shift = 16 * (FLOATS_PER_LONG - 1 - i);
            out[offset + i] = (float) ((value >>> shift) & 0xFFFF);
        }
    }

    static long getLong(float[] in, int offset) {
        long v = 0;
        for (int i = 0; i < FLOATS_PER_LONG; i++) {
            v = (v << 16) | ((long) in[offset + i] & 0xFFFF);
        }
        return v;
    }
}

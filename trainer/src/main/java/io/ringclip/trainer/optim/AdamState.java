package io.ringclip.trainer.optim;

import java.util.Arrays;

/** AdamW's state: first and second moments over the whole arena, and the step count. Mutable. */
public final class AdamState {

    final float[] m;
    final float[] v;
    long step;

    AdamState(int length) {
        this.m = new float[length];
        this.v = new float[length];
    }

    public float[] m() {
        return m;
    }

    public float[] v() {
        return v;
    }

    public long step() {
        return step;
    }

    /** Replaces this state with {@code other}'s values (restore from checkpoint or a peer). */
    public void copyFrom(float[] m, float[] v, long step) {
        if (m.length != this.m.length || v.length != this.v.length) {
            throw new IllegalArgumentException("optimizer state length mismatch: expected=" + this.m.length
                    + ", m=" + m.length + ", v=" + v.length);
        }
        System.arraycopy(m, 0, this.m, 0, m.length);
        System.arraycopy(v, 0, this.v, 0, v.length);
        this.step = step;
    }

    public void reset() {
        Arrays.fill(m, 0f);
        Arrays.fill(v, 0f);
        step = 0;
    }
}

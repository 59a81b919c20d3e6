package io.ringclip.models.model;

import io.ringclip.models.tensor.Precision;

/**
 * The 16-bit-rounded copy of the weights the matmuls read, made from the fp32 master arena one unit
 * (a residual block, a tower head, the patch embedding) at a time into a window the size of the largest
 * unit, so the copy costs one block of memory instead of a second arena (ViT-B/16: ~28 MiB, not 570 MiB).
 * Values are stored as fp32 holding exactly representable 16-bit numbers, because the GEMM reads float[].
 * Each unit is re-rounded when used again in backward: two cheap passes over the weights per step.
 */
final class LowPrecisionWeights {

    private final Precision precision;
    private final float[] master;
    private final float[] window;
    private int start = -1;
    private int end = -1;
    private long generation = -1;

    LowPrecisionWeights(Precision precision, float[] master, int capacity) {
        this.precision = precision;
        this.master = master;
        this.window = new float[capacity];
    }

    /** Holds master[from, to) rounded; index it with (arenaOffset − from). */
    float[] window(int from, int to, long gen) {
        if (from != start || to != end || gen != generation) {
            if (to - from > window.length) {
                throw new IllegalStateException("weight unit larger than the window: length=" + (to - from)
                        + ", capacity=" + window.length);
            }
            System.arraycopy(master, from, window, 0, to - from);
            precision.roundInPlace(window, 0, to - from);
            start = from;
            end = to;
            generation = gen;
        }
        return window;
    }

    Precision precision() {
        return precision;
    }

    long bytes() {
        return 4L * window.length;
    }
}

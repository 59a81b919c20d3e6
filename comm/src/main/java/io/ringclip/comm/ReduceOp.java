package io.ringclip.comm;

/** How contributions combine. AVG is SUM divided by the world size once, after the last addition. */
public enum ReduceOp {
    SUM,
    AVG,
    MAX;

    /** {@code acc[accOffset + i] = acc[accOffset + i] (op) x[xOffset + i]} for i in [0, length). */
    public void accumulate(float[] acc, int accOffset, float[] x, int xOffset, int length) {
        ArrayReduce.accumulate(this == MAX, acc, accOffset, x, xOffset, length);
    }

    /** Applied once to a fully reduced range: divides by the world size for AVG, nothing otherwise. */
    public void finish(float[] data, int offset, int length, int worldSize) {
        if (this != AVG || worldSize == 1) {
            return;
        }
        float n = worldSize;
        for (int i = offset, end = offset + length; i < end; i++) {
            data[i] /= n;
        }
    }
}

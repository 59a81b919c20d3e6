package io.ringclip.comm;

/**
 * The obvious, slow definitions of each collective over every rank's input, used as the oracle.
 * Contributions combine in rank order in double precision and round once to float.
 */
public final class NaiveReference {

    private NaiveReference() {}

    public static float[] allReduce(float[][] inputs, ReduceOp op) {
        int n = inputs.length;
        int len = inputs[0].length;
        float[] out = new float[len];
        for (int i = 0; i < len; i++) {
            double acc = inputs[0][i];
            for (int r = 1; r < n; r++) {
                acc = op == ReduceOp.MAX ? Math.max(acc, inputs[r][i]) : acc + inputs[r][i];
            }
            out[i] = (float) (op == ReduceOp.AVG ? acc / n : acc);
        }
        return out;
    }

    /** This rank's block of the reduction of full-length inputs laid out per {@code counts}. */
    public static float[] reduceScatter(float[][] inputs, int[] counts, int rank, ReduceOp op) {
        float[] all = allReduce(inputs, op);
        int start = 0;
        for (int r = 0; r < rank; r++) {
            start += counts[r];
        }
        return java.util.Arrays.copyOfRange(all, start, start + counts[rank]);
    }

    /** Each rank's block concatenated in rank order. */
    public static float[] allGather(float[][] blocks) {
        int total = 0;
        for (float[] b : blocks) {
            total += b.length;
        }
        float[] out = new float[total];
        int at = 0;
        for (float[] b : blocks) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }
}

package io.ringclip.models.nn;

/**
 * Token embedding lookup.
 *
 * <pre>
 *   tokens [N] (ids in [0, V)),  table [V, C]  →  out [N, C] = table[tokens]
 *   dtable[tokens[n], :] += dout[n, :]
 * </pre>
 */
public final class Embedding {

    private Embedding() {}

    public static void forward(float[] out, int[] tokens, float[] table, int tOff, int n, int v, int c) {
        for (int i = 0; i < n; i++) {
            int id = tokens[i];
            if (id < 0 || id >= v) {
                throw new IllegalArgumentException("token id out of range: index=" + i + ", id=" + id + ", vocabSize=" + v);
            }
            System.arraycopy(table, tOff + id * c, out, i * c, c);
        }
    }

    public static void backward(float[] dtable, int dtOff, float[] dout, int[] tokens, int n, int c) {
        for (int i = 0; i < n; i++) {
            int to = dtOff + tokens[i] * c;
            int go = i * c;
            for (int j = 0; j < c; j++) {
                dtable[to + j] += dout[go + j];
            }
        }
    }
}

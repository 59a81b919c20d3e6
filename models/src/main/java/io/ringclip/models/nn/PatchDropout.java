package io.ringclip.models.nn;

import java.util.random.RandomGenerator;

/**
 * FLIP patch dropout: each image keeps its class token and a random subset of K of its P patch
 * tokens (open_clip's {@code PatchDropout}, K = max(1, ⌊P·(1 − prob)⌋)), in their original order.
 *
 * <pre>
 *   in [B, 1+P, C]  →  out [B, 1+K, C],  kept [B, K] = patch indices (0-based, ascending) saved
 *   din[b, 1 + kept[b,k], :] += dout[b, 1 + k, :],   din[b, 0, :] += dout[b, 0, :]
 * </pre>
 */
public final class PatchDropout {

    private PatchDropout() {}

    /** Patches kept per image for a drop fraction; open_clip's formula. */
    public static int keptPatches(int patches, double prob) {
        if (!(prob >= 0 && prob < 1)) {
            throw new IllegalArgumentException("patch dropout must be in [0, 1): prob=" + prob);
        }
        return Math.max(1, (int) (patches * (1.0 - prob)));
    }

    public static void forward(float[] out, int[] kept, float[] in, RandomGenerator rng, int b, int p, int k, int c) {
        int[] perm = new int[p];
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < p; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < k; i++) { // partial Fisher–Yates: the first k are a uniform subset
                int j = i + rng.nextInt(p - i);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            java.util.Arrays.sort(perm, 0, k);
            System.arraycopy(perm, 0, kept, bi * k, k);
            int src = bi * (1 + p) * c;
            int dst = bi * (1 + k) * c;
            System.arraycopy(in, src, out, dst, c);
            for (int i = 0; i < k; i++) {
                System.arraycopy(in, src + (1 + perm[i]) * c, out, dst + (1 + i) * c, c);
            }
        }
    }

    public static void backward(float[] din, float[] dout, int[] kept, int b, int p, int k, int c) {
        for (int bi = 0; bi < b; bi++) {
            int src = bi * (1 + k) * c;
            int dst = bi * (1 + p) * c;
            for (int j = 0; j < c; j++) {
                din[dst + j] += dout[src + j];
            }
            for (int i = 0; i < k; i++) {
                int d = dst + (1 + kept[bi * k + i]) * c;
                int s = src + (1 + i) * c;
                for (int j = 0; j < c; j++) {
                    din[d + j] += dout[s + j];
                }
            }
        }
    }
}

package io.ringclip.models.nn;

/**
 * ViT patch embedding: a bias-free conv with kernel = stride = p, done as im2col + GEMM.
 *
 * <pre>
 *   images [B, Cin, H, W] (row-major), P = (H/p)·(W/p) patches per image in row-major patch order
 *   patches [B·P, Cin·p·p]  column order (c, ky, kx) = the flattening of conv1.weight [C, Cin, p, p]
 *   out [B·P, C] = patches · Wᵀ
 *   dW [C, Cin·p·p] += doutᵀ · patches        (images get no gradient)
 * </pre>
 */
public final class PatchEmbedding {

    private PatchEmbedding() {}

    public static void im2col(float[] patches, float[] images, int b, int cin, int h, int w, int p) {
        int gh = h / p;
        int gw = w / p;
        int k = cin * p * p;
        for (int bi = 0; bi < b; bi++) {
            for (int py = 0; py < gh; py++) {
                for (int px = 0; px < gw; px++) {
                    int row = ((bi * gh + py) * gw + px) * k;
                    int col = 0;
                    for (int ci = 0; ci < cin; ci++) {
                        for (int ky = 0; ky < p; ky++) {
                            int src = ((bi * cin + ci) * h + py * p + ky) * w + px * p;
                            System.arraycopy(images, src, patches, row + col, p);
                            col += p;
                        }
                    }
                }
            }
        }
    }

    /** Fills {@code patches} from {@code images}, then {@code out = patches·Wᵀ}. */
    public static void forward(float[] out, float[] patches, float[] images, float[] w, int wOff,
                               int b, int cin, int h, int wd, int p, int c) {
        if (h % p != 0 || wd % p != 0) {
            throw new IllegalArgumentException("image size must be a multiple of the patch size: h=" + h + ", w=" + wd + ", p=" + p);
        }
        im2col(patches, images, b, cin, h, wd, p);
        int np = (h / p) * (wd / p);
        Linear.forward(out, patches, w, wOff, null, 0, b * np, cin * p * p, c);
    }

    public static void backward(float[] dw, int dwOff, float[] dout, float[] patches, float[] w, int wOff,
                                int b, int np, int k, int c) {
        Linear.backward(null, false, dw, dwOff, null, 0, dout, patches, w, wOff, b * np, k, c);
    }
}

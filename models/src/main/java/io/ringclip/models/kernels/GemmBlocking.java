package io.ringclip.models.kernels;

/**
 * Cache-block sizes of {@link VectorGemm} around its 6×16 or 6×32 register tile.
 *
 * <pre>
 *   kc   largest depth of a k-block; k is cut into equal blocks of at most kc
 *   mc   rows of a packed A block (multiple of 6): mc×kc floats stay in L2
 *   nc   columns of a packed B block (multiple of 16; of 32 for the 6×32 tile): kc×nc floats stay in L3
 * </pre>
 *
 * kc = 512 rather than the textbook 256: with k ≤ 512 (every linear layer of the small configs)
 * each row of a non-transposed A is packed in one sequential run instead of two half rows, which
 * measured 1.2–1.5× faster on 12800×128×512 NT/NN products (A streamed from DRAM), and equal
 * elsewhere (BENCHMARKS.md). The kc×16 B micro-panel (32 KiB) then streams from L2.
 */
record GemmBlocking(int kc, int mc, int nc) {

    /** Measured on the 2-core AVX-512 (Zen 4) test machine; MC and NC as in notes/java-performance.md. */
    static final GemmBlocking DEFAULT = new GemmBlocking(512, 120, 4096);

    GemmBlocking {
        if (kc < 1 || mc < MicroKernel6x16.MR || mc % MicroKernel6x16.MR != 0
                || nc < MicroKernel6x16.NR || nc % MicroKernel6x16.NR != 0) {
            throw new IllegalArgumentException("bad blocking: kc=" + kc + ", mc=" + mc + ", nc=" + nc
                    + " (need kc >= 1, mc a multiple of " + MicroKernel6x16.MR
                    + ", nc a multiple of " + MicroKernel6x16.NR + ")");
        }
    }
}

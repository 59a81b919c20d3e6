package io.ringclip.models.kernels;

/**
 * Cache-block sizes of {@link VectorGemm} around its 6×16 register tile ({@link MicroKernel6x16}).
 *
 * <pre>
 *   kc   depth of a k-block: one kc×16 B micro-panel (16 KiB at 256) plus one 6×kc A micro-panel stay in L1d
 *   mc   rows of a packed A block (multiple of 6): mc×kc floats stay in L2
 *   nc   columns of a packed B block (multiple of 16): kc×nc floats stay in L3
 * </pre>
 */
record GemmBlocking(int kc, int mc, int nc) {

    /** KC≈256, MC≈120, NC≈4096 as measured on AVX2 machines (notes/java-performance.md). */
    static final GemmBlocking DEFAULT = new GemmBlocking(256, 120, 4096);

    GemmBlocking {
        if (kc < 1 || mc < MicroKernel6x16.MR || mc % MicroKernel6x16.MR != 0
                || nc < MicroKernel6x16.NR || nc % MicroKernel6x16.NR != 0) {
            throw new IllegalArgumentException("bad blocking: kc=" + kc + ", mc=" + mc + ", nc=" + nc
                    + " (need kc >= 1, mc a multiple of " + MicroKernel6x16.MR
                    + ", nc a multiple of " + MicroKernel6x16.NR + ")");
        }
    }
}

package io.ringclip.models.kernels;

/**
 * The fast SGEMM: BLIS-style blocking around a Vector API register tile, {@link MicroKernel6x32}
 * (512-bit vectors, chosen where {@code FloatVector.SPECIES_PREFERRED} is at least 512 bits) or
 * {@link MicroKernel6x16} (256-bit, AVX2); NR below is the tile's width, 32 or 16.
 *
 * <pre>
 *   for jc over n in steps of NC                     (columns of C / op(B))
 *     for pc over k in steps of KC                   pack op(B)[pc:+KC, jc:+NC] → bp (≈ L2/L3)
 *       for ic over m in steps of MC                 transA: pack Aᵀ[ic:+MC, pc:+KC] → ap (L2)
 *         for jr over nc in steps of NR              bp micro-panel kc×NR (L1/L2)
 *           for ir over mc in steps of 6             6×NR tile of C += A panel · bp panel
 * </pre>
 *
 * Packing B makes all four transpose combinations run one kernel shape. A non-transposed A (the
 * NN and NT products: layer forward and dX) is read in place, its rows already contiguous in k;
 * only a transposed A is packed. Packing a non-transposed A (strided writes) measured 20–40 % of
 * the time of 12800×128×512 products, half the time of 50×32×50 heads, and reading it in place
 * made cache-resident 256³ NN 95 → 109 GFLOP/s (BENCHMARKS.md). Big products are cut into
 * parts along K when K dwarfs M and N (weight gradients; see {@link #splitDepth}), else along M
 * (or along N when N &gt; M, so the repacked operand is the smaller one) and run on
 * {@link GemmWorkers}; small products run on the calling thread with no allocation (pack buffers
 * are thread-local and grow once). Stateless apart from the thread-local buffers: thread-safe.
 */
public final class VectorGemm implements GemmKernel {

    /** Below this many multiply-adds (m·n·k) a call stays on one thread: hand-off costs ~10–50 µs. */
    static final long DEFAULT_PARALLEL_MIN_MACS = 1L << 21;
    /** A part should cover at least this many rows (or columns) so repacking the other operand stays cheap. */
    private static final int MIN_PART_EXTENT = 384;
    /** Parts per thread for large products: lets a thread that got the CPU take over a slow thread's share. */
    private static final int PARTS_PER_THREAD = 4;
    /** k split across threads (instead of rows or columns) when k ≥ this × max(m, n): dW products. */
    static final int DEPTH_SPLIT_RATIO = 4;
    /** A k-split part covers at least this much depth, so its packing and partial C stay small next to its FMAs. */
    private static final int MIN_PART_DEPTH = 256;

    private static final ThreadLocal<PackBuffers> BUFFERS = ThreadLocal.withInitial(PackBuffers::new);

    private static final int MR = 6;

    /** The register tile: rows are always MR = 6, columns NR differ. */
    enum Tile {
        /** {@link MicroKernel6x16}: 12 ymm accumulators, for AVX2 machines. */
        AVX2_6X16(MicroKernel6x16.NR),
        /** {@link MicroKernel6x32}: 12 zmm accumulators, for AVX-512 machines. */
        AVX512_6X32(MicroKernel6x32.NR);

        final int nr;

        Tile(int nr) {
            this.nr = nr;
        }

        /** -Dringclip.gemm.tile=6x16|6x32 forces a tile (to compare them on one machine). */
        static final String PROPERTY = "ringclip.gemm.tile";

        /** The widest tile the JVM runs natively here, unless -Dringclip.gemm.tile says otherwise. */
        static Tile preferred() {
            String forced = System.getProperty(PROPERTY, "auto");
            return switch (forced) {
                case "6x16" -> AVX2_6X16;
                case "6x32" -> AVX512_6X32;
                case "auto" -> jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
                        ? AVX512_6X32 : AVX2_6X16;
                default -> throw new IllegalArgumentException(
                        "unknown register tile: " + PROPERTY + "=" + forced + " (expected auto, 6x16 or 6x32)");
            };
        }
    }

    private final Tile tile;
    private final GemmBlocking blocking;
    private final int fixedThreads;
    private final long parallelMinMacs;
    private final VectorGemm singleThreaded;

    /** Uses {@link Gemm#threads()} threads for big products. */
    public VectorGemm() {
        this(Tile.preferred(), GemmBlocking.DEFAULT, 0, DEFAULT_PARALLEL_MIN_MACS);
    }

    /**
     * @param tile the register tile (tests run both on AVX-512 machines)
     * @param blocking block sizes (tests use small blocks to reach every loop at small sizes)
     * @param fixedThreads threads per call, or 0 to follow {@link Gemm#threads()}
     * @param parallelMinMacs products with fewer multiply-adds run single-threaded (tests pass 0)
     */
    VectorGemm(Tile tile, GemmBlocking blocking, int fixedThreads, long parallelMinMacs) {
        if (fixedThreads < 0 || parallelMinMacs < 0) {
            throw new IllegalArgumentException(
                    "fixedThreads=" + fixedThreads + ", parallelMinMacs=" + parallelMinMacs + " must be >= 0");
        }
        if (blocking.nc() % tile.nr != 0) {
            throw new IllegalArgumentException("blocking nc=" + blocking.nc() + " must be a multiple of the tile's nr=" + tile.nr);
        }
        this.tile = tile;
        this.blocking = blocking;
        this.fixedThreads = fixedThreads;
        this.parallelMinMacs = parallelMinMacs;
        this.singleThreaded = fixedThreads == 1 ? this : new VectorGemm(tile, blocking, 1, parallelMinMacs);
    }

    @Override
    public GemmKernel singleThreaded() {
        return singleThreaded;
    }

    @Override
    public String name() {
        return tile == Tile.AVX512_6X32 ? "vector-6x32" : "vector-6x16";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float[] c, int cOffset, int ldc,
                      boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOffset + i * ldc, cOffset + i * ldc + n, 0f);
                }
            }
            return;
        }
        int threads = fixedThreads > 0 ? fixedThreads : Gemm.threads();
        long macs = (long) m * n * k;
        if (threads == 1 || macs < parallelMinMacs) {
            blocked(transA, transB, 0, m, 0, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
            return;
        }
        if (k >= DEPTH_SPLIT_RATIO * Math.max(m, n)) {
            splitDepth(threads, transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
            return;
        }
        boolean splitRows = m >= n;
        int extent = splitRows ? m : n;
        int unit = splitRows ? MR : tile.nr;
        int parts = partCount(extent, unit, threads);
        int partSize = roundUp(ceilDiv(extent, parts), unit);
        int partsUsed = ceilDiv(extent, partSize);
        GemmWorkers.run(threads, partsUsed, part -> {
            int from = part * partSize;
            int to = Math.min(extent, from + partSize);
            if (splitRows) {
                blocked(transA, transB, from, to, 0, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
            } else {
                blocked(transA, transB, 0, m, from, to, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
            }
        });
    }

    /**
     * Splits k (the weight-gradient products dW = dYᵀ·X, e.g. TN 128×128×12800): part q computes
     * the partial product over its k-range [q·depth, (q+1)·depth). Part 0 writes C itself (with the
     * caller's accumulate flag); part q ≥ 1 writes its own m×n slice of the caller's partials
     * buffer, which is then added into C in part order, so the result does not depend on which
     * thread ran which part. Unlike a row or column split, no operand is packed twice: each part
     * packs only its k-range of A and B, and the extra work is (parts − 1)·m·n additions.
     */
    private void splitDepth(int threads, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb,
                            float[] c, int cOffset, int ldc,
                            boolean accumulate) {
        int parts = Math.max(1, Math.min(threads * PARTS_PER_THREAD, k / MIN_PART_DEPTH));
        int depth = roundUp(ceilDiv(k, parts), 16);
        int partsUsed = ceilDiv(k, depth);
        int slice = m * n;
        float[] partials = BUFFERS.get().partials((partsUsed - 1) * slice);
        GemmWorkers.run(threads, partsUsed, part -> {
            int k0 = part * depth;
            int kPart = Math.min(k, k0 + depth) - k0;
            int aPart = aOffset + (transA ? k0 * lda : k0);
            int bPart = bOffset + (transB ? k0 : k0 * ldb);
            if (part == 0) {
                blocked(transA, transB, 0, m, 0, n, kPart, a, aPart, lda, b, bPart, ldb, c, cOffset, ldc, accumulate);
            } else {
                blocked(transA, transB, 0, m, 0, n, kPart, a, aPart, lda, b, bPart, ldb,
                        partials, (part - 1) * slice, n, false);
            }
        });
        for (int part = 1; part < partsUsed; part++) {
            int base = (part - 1) * slice;
            for (int i = 0; i < m; i++) {
                int ci = cOffset + i * ldc;
                int pi = base + i * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += partials[pi + j];
                }
            }
        }
    }

    /** threads parts at least; up to PARTS_PER_THREAD × threads while each keeps MIN_PART_EXTENT. */
    private static int partCount(int extent, int unit, int threads) {
        int units = ceilDiv(extent, unit);
        int byExtent = extent / MIN_PART_EXTENT;
        int parts = Math.max(threads, Math.min(threads * PARTS_PER_THREAD, byExtent));
        return Math.max(1, Math.min(parts, units));
    }

    /** C[i0:i1, j0:j1] (+)= op(A)[i0:i1, :] · op(B)[:, j0:j1] on the calling thread. */
    private void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                float[] a, int aOffset, int lda,
                                float[] b, int bOffset, int ldb,
                                float[] c, int cOffset, int ldc,
                                boolean accumulate) {
        // Equal k-blocks of at most blocking.kc(): k = 512 stays one block (each row of a
        // non-transposed A is then read in one sequential run) instead of 256 + 256.
        int kcBlock = ceilDiv(k, ceilDiv(k, blocking.kc()));
        // Likewise equal m-blocks (multiples of 6) of at most blocking.mc(): m = 128 becomes
        // 66 + 62 rows, not 120 + 8 (a block of 8 rows would stream all of packed B for 2 tiles).
        int rows = i1 - i0;
        int mcBlock = roundUp(ceilDiv(rows, ceilDiv(rows, blocking.mc())), MR);
        int ncBlock = blocking.nc();
        int nr = tile.nr;
        boolean wide = tile == Tile.AVX512_6X32;
        PackBuffers buf = BUFFERS.get();
        int kcMax = Math.min(kcBlock, k);
        float[] ap = buf.packA(roundUp(Math.min(mcBlock, i1 - i0), MR) * kcMax);
        float[] bp = buf.packB(roundUp(Math.min(ncBlock, j1 - j0), nr) * kcMax);
        float[] tile = buf.tile;  // edge-tile scratch, MR × nr
        for (int jc = j0; jc < j1; jc += ncBlock) {
            int nc = Math.min(ncBlock, j1 - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                boolean add = accumulate || pc > 0;
                GemmPacking.packB(transB, b, bOffset, ldb, pc, kc, jc, nc, nr, bp);
                for (int ic = i0; ic < i1; ic += mcBlock) {
                    int mc = Math.min(mcBlock, i1 - ic);
                    int cBase = cOffset + ic * ldc + jc;
                    if (transA) {
                        GemmPacking.packTransposedA(a, aOffset, lda, ic, mc, pc, kc, MR, ap);
                        macroKernel(wide, mc, nc, kc, ap, bp, tile, c, cBase, ldc, add);
                    } else {
                        macroKernelRowsA(wide, mc, nc, kc, a, aOffset + ic * lda + pc, lda, ap, bp, tile, c, cBase, ldc, add);
                    }
                }
            }
        }
    }

    /** All MR×NR tiles of one packed mc×nc block; edge tiles go through the scratch tile. */
    private static void macroKernel(boolean wide, int mc, int nc, int kc, float[] ap, float[] bp, float[] tile,
                             float[] c, int cBase, int ldc, boolean add) {
        int nr = wide ? MicroKernel6x32.NR : MicroKernel6x16.NR;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bBase = (jr / nr) * kc * nr;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int aBase = (ir / MR) * kc * MR;
                int ci = cBase + ir * ldc + jr;
                boolean full = rows == MR && cols == nr;
                float[] out = full ? c : tile;
                int outBase = full ? ci : 0;
                int outStride = full ? ldc : nr;
                boolean outAdd = full && add;
                if (wide) {
                    MicroKernel6x32.kernel(kc, ap, aBase, bp, bBase, out, outBase, outStride, outAdd);
                } else {
                    MicroKernel6x16.kernel(kc, ap, aBase, bp, bBase, out, outBase, outStride, outAdd);
                }
                if (!full) {
                    mergeEdge(tile, nr, rows, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /**
     * As {@link #macroKernel} with A read in place: full 6-row panels straight from A (row stride
     * lda); the last panel, when it has fewer than 6 rows, is first copied into {@code edgeA}
     * (6×kc, row stride kc, zero rows below) so the kernel never reads past A's rows.
     */
    private static void macroKernelRowsA(boolean wide, int mc, int nc, int kc, float[] a, int aBase, int lda, float[] edgeA,
                                         float[] bp, float[] tile, float[] c, int cBase, int ldc, boolean add) {
        int fullRows = mc - mc % MR;
        if (fullRows < mc) {
            java.util.Arrays.fill(edgeA, 0, MR * kc, 0f);
            for (int r = 0; r < mc - fullRows; r++) {
                System.arraycopy(a, aBase + (fullRows + r) * lda, edgeA, r * kc, kc);
            }
        }
        int nr = wide ? MicroKernel6x32.NR : MicroKernel6x16.NR;
        for (int jr = 0; jr < nc; jr += nr) {
            int cols = Math.min(nr, nc - jr);
            int bBase = (jr / nr) * kc * nr;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                float[] aPanel = rows == MR ? a : edgeA;
                int aPanelBase = rows == MR ? aBase + ir * lda : 0;
                int aStride = rows == MR ? lda : kc;
                int ci = cBase + ir * ldc + jr;
                boolean full = rows == MR && cols == nr;
                float[] out = full ? c : tile;
                int outBase = full ? ci : 0;
                int outStride = full ? ldc : nr;
                boolean outAdd = full && add;
                if (wide) {
                    MicroKernel6x32.kernelRowsA(kc, aPanel, aPanelBase, aStride, bp, bBase, out, outBase, outStride, outAdd);
                } else {
                    MicroKernel6x16.kernelRowsA(kc, aPanel, aPanelBase, aStride, bp, bBase, out, outBase, outStride, outAdd);
                }
                if (!full) {
                    mergeEdge(tile, nr, rows, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /** Copies (or adds, when {@code add}) the top-left rows×cols of the MR×nr scratch tile into C. */
    private static void mergeEdge(float[] tile, int nr, int rows, int cols, float[] c, int cBase, int ldc, boolean add) {
        for (int r = 0; r < rows; r++) {
            int t = r * nr;
            int ci = cBase + r * ldc;
            if (add) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += tile[t + j];
                }
            } else {
                System.arraycopy(tile, t, c, ci, cols);
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** One thread's packing space; grows to the largest block it has seen, then is reused. */
    private static final class PackBuffers {
        private float[] a = new float[0];
        private float[] b = new float[0];
        /** Scratch for edge tiles of either width. */
        final float[] tile = new float[MR * MicroKernel6x32.NR];

        float[] packA(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        /** The calling thread's partial C slices of a k-split product. */
        private float[] partials = new float[0];

        float[] partials(int size) {
            if (partials.length < size) {
                partials = new float[size];
            }
            return partials;
        }

        float[] packB(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }
}

package io.ringclip.models.kernels;

/**
 * The fast SGEMM: BLIS-style blocking around the {@link MicroKernel6x16} Vector API kernel.
 *
 * <pre>
 *   for jc over n in steps of NC                     (columns of C / op(B))
 *     for pc over k in steps of KC                   pack op(B)[pc:+KC, jc:+NC] → bp (≈ L2/L3)
 *       for ic over m in steps of MC                 transA: pack Aᵀ[ic:+MC, pc:+KC] → ap (L2)
 *         for jr over nc in steps of 16              bp micro-panel kc×16 (L1/L2)
 *           for ir over mc in steps of 6             6×16 tile of C += A panel · bp panel
 * </pre>
 *
 * Packing B makes all four transpose combinations run one kernel shape. A non-transposed A (the
 * NN and NT products: layer forward and dX) is read in place, its rows already contiguous in k;
 * only a transposed A is packed. Packing a non-transposed A (strided writes) measured 20–40 % of
 * the time of 12800×128×512 products, half the time of 50×32×50 heads, and reading it in place
 * made cache-resident 256³ NN 95 → 109 GFLOP/s (BENCHMARKS.md). Big products are cut into
 * parts along M (or along N when N &gt; M, so the repacked operand is the smaller one) and run on
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
    /** Split k rather than m or n when k is at least this many times max(m, n). */
    private static final int K_SPLIT_MIN_RATIO = 8;
    /** Each k part keeps at least this depth, so a part's partial C (m×n) is cheap to add. */
    private static final int K_SPLIT_MIN_DEPTH = 256;

    private static final ThreadLocal<PackBuffers> BUFFERS = ThreadLocal.withInitial(PackBuffers::new);

    private static final int MR = MicroKernel6x16.MR;
    private static final int NR = MicroKernel6x16.NR;

    private final GemmBlocking blocking;
    private final int fixedThreads;
    private final long parallelMinMacs;
    private final VectorGemm singleThreaded;

    /** Uses {@link Gemm#threads()} threads for big products. */
    public VectorGemm() {
        this(GemmBlocking.DEFAULT, 0, DEFAULT_PARALLEL_MIN_MACS);
    }

    /**
     * @param blocking tile and block sizes (tests use small blocks to reach every loop at small sizes)
     * @param fixedThreads threads per call, or 0 to follow {@link Gemm#threads()}
     * @param parallelMinMacs products with fewer multiply-adds run single-threaded (tests pass 0)
     */
    VectorGemm(GemmBlocking blocking, int fixedThreads, long parallelMinMacs) {
        if (fixedThreads < 0 || parallelMinMacs < 0) {
            throw new IllegalArgumentException(
                    "fixedThreads=" + fixedThreads + ", parallelMinMacs=" + parallelMinMacs + " must be >= 0");
        }
        this.blocking = blocking;
        this.fixedThreads = fixedThreads;
        this.parallelMinMacs = parallelMinMacs;
        this.singleThreaded = fixedThreads == 1 ? this : new VectorGemm(blocking, 1, parallelMinMacs);
    }

    @Override
    public GemmKernel singleThreaded() {
        return singleThreaded;
    }

    @Override
    public String name() {
        return "vector-6x16";
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
        if (k >= K_SPLIT_MIN_RATIO * Math.max(m, n)) {
            splitDepth(threads, transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, accumulate);
            return;
        }
        boolean splitRows = m >= n;
        int extent = splitRows ? m : n;
        int unit = splitRows ? MR : NR;
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
     * Cuts k into parts for products whose depth dominates, e.g. a weight gradient dW = dYᵀ·X
     * (TN 128×128×12800): split by rows, every thread would pack all of B, and with m = 128
     * there are too few rows for more than one part per thread. Part 0 computes into C itself
     * (with the caller's {@code accumulate}); parts 1… compute into private m×n buffers that are
     * added into C afterwards, in part order, so the result does not depend on thread timing.
     */
    private void splitDepth(int threads, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                            float[] c, int cOffset, int ldc, boolean accumulate) {
        int parts = Math.max(1, Math.min(threads * PARTS_PER_THREAD, k / K_SPLIT_MIN_DEPTH));
        int partDepth = ceilDiv(k, parts);
        int partsUsed = ceilDiv(k, partDepth);
        float[][] partials = new float[partsUsed][];
        GemmWorkers.run(threads, partsUsed, part -> {
            int k0 = part * partDepth;
            int depth = Math.min(k, k0 + partDepth) - k0;
            // op(A)[:, k0:] and op(B)[k0:, :] start k0 elements (or k0 rows) further on.
            int aStart = aOffset + (transA ? k0 * lda : k0);
            int bStart = bOffset + (transB ? k0 : k0 * ldb);
            if (part == 0) {
                blocked(transA, transB, 0, m, 0, n, depth, a, aStart, lda, b, bStart, ldb, c, cOffset, ldc, accumulate);
            } else {
                float[] partial = new float[m * n];
                blocked(transA, transB, 0, m, 0, n, depth, a, aStart, lda, b, bStart, ldb, partial, 0, n, false);
                partials[part] = partial;
            }
        });
        for (int part = 1; part < partsUsed; part++) {
            float[] partial = partials[part];
            for (int i = 0; i < m; i++) {
                int ci = cOffset + i * ldc;
                int pi = i * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += partial[pi + j];
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
        PackBuffers buf = BUFFERS.get();
        int kcMax = Math.min(kcBlock, k);
        float[] ap = buf.packA(roundUp(Math.min(mcBlock, i1 - i0), MR) * kcMax);
        float[] bp = buf.packB(roundUp(Math.min(ncBlock, j1 - j0), NR) * kcMax);
        float[] tile = buf.tile;
        for (int jc = j0; jc < j1; jc += ncBlock) {
            int nc = Math.min(ncBlock, j1 - jc);
            for (int pc = 0; pc < k; pc += kcBlock) {
                int kc = Math.min(kcBlock, k - pc);
                boolean add = accumulate || pc > 0;
                GemmPacking.packB(transB, b, bOffset, ldb, pc, kc, jc, nc, NR, bp);
                for (int ic = i0; ic < i1; ic += mcBlock) {
                    int mc = Math.min(mcBlock, i1 - ic);
                    int cBase = cOffset + ic * ldc + jc;
                    if (transA) {
                        GemmPacking.packTransposedA(a, aOffset, lda, ic, mc, pc, kc, MR, ap);
                        macroKernel(mc, nc, kc, ap, bp, tile, c, cBase, ldc, add);
                    } else {
                        macroKernelRowsA(mc, nc, kc, a, aOffset + ic * lda + pc, lda, ap, bp, tile, c, cBase, ldc, add);
                    }
                }
            }
        }
    }

    /** All MR×NR tiles of one packed mc×nc block; edge tiles go through the scratch tile. */
    private static void macroKernel(int mc, int nc, int kc, float[] ap, float[] bp, float[] tile,
                             float[] c, int cBase, int ldc, boolean add) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bBase = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                int aBase = (ir / MR) * kc * MR;
                int ci = cBase + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    MicroKernel6x16.kernel(kc, ap, aBase, bp, bBase, c, ci, ldc, add);
                } else {
                    MicroKernel6x16.kernel(kc, ap, aBase, bp, bBase, tile, 0, NR, false);
                    mergeEdge(tile, rows, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /**
     * As {@link #macroKernel} with A read in place: full 6-row panels straight from A (row stride
     * lda); the last panel, when it has fewer than 6 rows, is first copied into {@code edgeA}
     * (6×kc, row stride kc, zero rows below) so the kernel never reads past A's rows.
     */
    private static void macroKernelRowsA(int mc, int nc, int kc, float[] a, int aBase, int lda, float[] edgeA,
                                         float[] bp, float[] tile, float[] c, int cBase, int ldc, boolean add) {
        int fullRows = mc - mc % MR;
        if (fullRows < mc) {
            java.util.Arrays.fill(edgeA, 0, MR * kc, 0f);
            for (int r = 0; r < mc - fullRows; r++) {
                System.arraycopy(a, aBase + (fullRows + r) * lda, edgeA, r * kc, kc);
            }
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int bBase = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int rows = Math.min(MR, mc - ir);
                float[] aPanel = rows == MR ? a : edgeA;
                int aPanelBase = rows == MR ? aBase + ir * lda : 0;
                int aStride = rows == MR ? lda : kc;
                int ci = cBase + ir * ldc + jr;
                if (rows == MR && cols == NR) {
                    MicroKernel6x16.kernelRowsA(kc, aPanel, aPanelBase, aStride, bp, bBase, c, ci, ldc, add);
                } else {
                    MicroKernel6x16.kernelRowsA(kc, aPanel, aPanelBase, aStride, bp, bBase, tile, 0, NR, false);
                    mergeEdge(tile, rows, cols, c, ci, ldc, add);
                }
            }
        }
    }

    /** Copies (or adds, when {@code add}) the top-left rows×cols of the MR×NR scratch tile into C. */
    private static void mergeEdge(float[] tile, int rows, int cols, float[] c, int cBase, int ldc, boolean add) {
        for (int r = 0; r < rows; r++) {
            int t = r * NR;
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
        /** Scratch for edge tiles. */
        final float[] tile = new float[MR * NR];

        float[] packA(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] packB(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }
}

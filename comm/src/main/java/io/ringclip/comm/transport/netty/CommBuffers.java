package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of comm's channels: a pooled allocator of its own whose per-thread cache
 * keeps large buffers (up to {@value #MAX_CACHED_BUFFER_BYTES} bytes instead of Netty's 32 KiB), but
 * only one per size class (Netty's default is 64).
 *
 * <p>Why: the ring's buffers are large (socket reads up to 1 MiB, frames of a 256 KiB segment plus
 * header) and are freed on the event loop that allocated them. With the 32 KiB cap none of them is
 * cached, so a 4 MiB pool chunk empties after a few frames, goes back to malloc (which returns it to
 * the kernel with {@code madvise}), and the next frame faults in fresh zeroed pages: perf on a 3-rank
 * 64 MiB allreduce put 12 % of all CPU in page faults and {@code madvise}. Caching them fixes that,
 * but Netty's cache hands entries out first-in first-out, so 64 entries per size class cycle the
 * ring through up to 64 different cold read buffers. One entry per class keeps reuse hot.
 * Measured (with reads of up to 2 MiB then), CPU per op of all ranks, 2 interleaved rounds: n = 2, 16 MiB: 24.0 / 28.0 ms uncached,
 * 33.1 / 25.3 with 64 entries, 22.2 / 21.2 with one; n = 3, 64 MiB: 235 / 202, 217 / 209, 171 / 197.
 *
 * <p>Netty reads the size cap once, from a system property, when {@link PooledByteBufAllocator} is
 * initialised, so it is set here unless the user set it; this class is loaded before comm touches any
 * Netty buffer class. (A JVM that used Netty's pooled allocator before comm keeps its own cap.)
 */
final class CommBuffers {

    static final String MAX_CACHED_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
    static final int MAX_CACHED_BUFFER_BYTES = 8 << 20;
    static final int NORMAL_CACHE_ENTRIES = 1;

    static {
        if (System.getProperty(MAX_CACHED_PROPERTY) == null) {
            System.setProperty(MAX_CACHED_PROPERTY, Integer.toString(MAX_CACHED_BUFFER_BYTES));
        }
    }

    private static final ByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(true,
            PooledByteBufAllocator.defaultNumHeapArena(), PooledByteBufAllocator.defaultNumDirectArena(),
            PooledByteBufAllocator.defaultPageSize(), PooledByteBufAllocator.defaultMaxOrder(),
            PooledByteBufAllocator.defaultSmallCacheSize(), NORMAL_CACHE_ENTRIES,
            PooledByteBufAllocator.defaultUseCacheForAllThreads());

    private CommBuffers() {}

    static ByteBufAllocator allocator() {
        return ALLOCATOR;
    }
}

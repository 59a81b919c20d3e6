package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of comm's channels: Netty's pooled allocator, with its per-thread cache
 * allowed to keep buffers up to {@value #MAX_CACHED_BUFFER_BYTES} bytes instead of Netty's 32 KiB.
 *
 * <p>Why: the ring's buffers are large (socket reads up to 2 MiB, frames of a 256 KiB segment
 * plus header) and are freed on the event loop that allocated them. With the 32 KiB cap none of them
 * is cached, so a 4 MiB pool chunk empties after every few frames, is freed to malloc (which hands
 * it back to the kernel with {@code madvise}), and the next frame faults fresh zeroed pages in.
 * perf on a 3-rank 64 MiB allreduce: 12 % of all CPU was page faults and {@code madvise}; 0.1 %
 * with the cache, and CPU per op fell about 10 %.
 *
 * <p>Netty reads the cap once, from a system property, when {@link PooledByteBufAllocator} is
 * initialised, so it is set here unless the user set it; this class is loaded before comm touches
 * any Netty buffer class. (A JVM that used Netty's pooled allocator before comm keeps its own cap.)
 */
final class CommBuffers {

    static final String MAX_CACHED_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
    static final int MAX_CACHED_BUFFER_BYTES = 8 << 20;

    static {
        if (System.getProperty(MAX_CACHED_PROPERTY) == null) {
            System.setProperty(MAX_CACHED_PROPERTY, Integer.toString(MAX_CACHED_BUFFER_BYTES));
        }
    }

    private CommBuffers() {}

    static ByteBufAllocator allocator() {
        return PooledByteBufAllocator.DEFAULT;
    }
}

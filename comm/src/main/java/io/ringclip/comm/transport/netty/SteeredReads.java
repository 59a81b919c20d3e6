package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Where one connection's socket reads land. Normally in a fresh buffer sized by {@code normal}; but
 * while {@link FrameDecoder} completes a payload that was split across reads, it {@link #steerInto}
 * the buffer holding the payload's first part, and each following read is handed the space right
 * behind the bytes already there, so the kernel copies the rest of the payload straight into place
 * and the decoder only moves the writer index ({@link #landedInPlace}).
 *
 * <p>A steered read never asks for more than the payload still missing, so it cannot swallow the next
 * frame's header, and the stream is at a frame boundary after it. Normal reads are sized to a whole
 * number of frames of the size last seen ({@link #frameSeen}), so while frames keep their size (a
 * ring's segments) a full read ends where a frame ends and nothing is split. Before, reads of 1 MiB
 * against frames of 256 KiB plus a 40-byte header ended 40–120 bytes short of a frame's end every
 * time, with no room left in the buffer, and half of all payload bytes were copied once more in user
 * space (2.5–4.6 % of all CPU at n = 3–4, 64 MiB; now 0.5 %).
 *
 * <p>One instance per channel (its {@link ChannelConfig#setRecvByteBufAllocator}), used only on the
 * channel's event loop.
 */
final class SteeredReads implements RecvByteBufAllocator {

    private final RecvByteBufAllocator normal;
    /** The buffer a payload is being completed in, or null: reads go to {@code normal}'s buffers. */
    private ByteBuf target;
    /** The writer index at which {@code target}'s payload is complete. */
    private int targetEnd;
    /** The slice of {@code target} handed out for the read in progress. */
    private ByteBuf issued;
    /** Header plus payload of the last frame decoded; 0 before the first. */
    private int frameBytes;

    SteeredReads(RecvByteBufAllocator normal) {
        this.normal = normal;
    }

    /** One that no channel reads through (never install it): a decoder using it completes split payloads by copying. */
    static SteeredReads detached() {
        return new SteeredReads(null);
    }

    /** Until {@link #stop}, reads fill {@code target} from its writer index up to {@code end}. */
    void steerInto(ByteBuf target, int end) {
        if (end > target.capacity()) {
            throw new IllegalArgumentException("steered past the buffer: end=" + end + ", capacity=" + target.capacity());
        }
        this.target = target;
        this.targetEnd = end;
        issued = null;
    }

    void stop() {
        target = null;
        issued = null;
    }

    /** The decoder saw a frame of {@code bytes} (header and payload): size normal reads in whole frames of it. */
    void frameSeen(int bytes) {
        frameBytes = bytes;
    }

    /** True if {@code read} is the slice of the target the last read filled: its bytes are already in place. */
    boolean landedInPlace(ByteBuf read) {
        return read == issued && issued != null;
    }

    /** A retained slice over the target's missing bytes, empty (indices 0), or null if not steering. */
    private ByteBuf nextSteeredBuffer() {
        if (target == null || target.writerIndex() >= targetEnd) {
            return null;
        }
        issued = target.retainedSlice(target.writerIndex(), targetEnd - target.writerIndex()).clear();
        return issued;
    }

    @Override
    public Handle newHandle() {
        return new SteeredHandle((ExtendedHandle) normal.newHandle());
    }

    /** Netty's adaptive handle decides how much to read and when to stop; which buffer, and its exact size, is ours. */
    private final class SteeredHandle extends DelegatingHandle implements ExtendedHandle {

        SteeredHandle(ExtendedHandle delegate) {
            super(delegate);
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf steered = nextSteeredBuffer();
            if (steered != null) {
                return steered;
            }
            int size = guess();
            if (frameBytes > 0 && frameBytes <= size) {
                size -= size % frameBytes;
            }
            return alloc.ioBuffer(size);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
        }
    }
}

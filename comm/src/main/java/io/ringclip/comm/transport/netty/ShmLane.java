package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One direction of a link's shared-memory payload lane: a file in a tmpfs directory ({@code /dev/shm})
 * that the sending process creates and the receiving process maps as well. The sender writes a frame's
 * payload into a free slot and sends only a descriptor over TCP (a {@link FrameHeader#KIND_DATA_SHM}
 * frame); the receiver reads, reduces into and forwards the payload where it lies and frees the slot
 * when the last reference to it is released. Why: loopback TCP copies every byte twice in the kernel
 * (user to socket buffer to user) and runs the TCP stack; a slot costs one copy in user space.
 *
 * <pre>
 * offset               field
 *  0                   magic int32 0x52434C4E ("RCLN")
 *  4                   version int32 = 1
 *  8                   nonce int64: random, also sent in the offer, so the receiver knows it mapped
 *                      the sender's file (and not a stale one of the same name)
 * 16                   slot count int32
 * 20                   slot bytes int32
 * 24                   sender waiting int32: 1 while the sender waits for a free slot; the receiver
 *                      clears it when it frees one and sends a LANE_CREDIT frame over TCP
 * 28 .. 63             zero
 * 64 + 64 * i          state of slot i, int32, one per cache line: 0 free, 1 busy
 * dataOffset + i * slotBytes   payload of slot i; dataOffset = 64 + 64 * slots rounded up to 4096
 * </pre>
 * Header words are in native byte order (both processes run on this machine); payloads are
 * little-endian elements, as on the wire.
 *
 * <p>Slot protocol: the sender moves a slot from free to busy (compare-and-set), fills it, then
 * writes the descriptor to the socket; the socket carries the happens-before to the receiver. The
 * receiver checks that the slot is busy and frees it (release store) once done; the sender reads the
 * state with acquire. A sender that finds no free slot sends the payload inline over TCP instead, so a
 * slow receiver costs speed, never progress. Flow control ({@link #roomOrWait}): a sender keeps its own
 * segments back while few slots are free and raises the waiting flag; the receiver's next free sees
 * the flag and rings back (both sides use full fences on the flag, so the wake-up cannot be lost).
 *
 * <p>Lifetime: the file is unlinked as soon as both sides have mapped it (only a crash between create
 * and accept leaves it behind); its memory goes when both have unmapped it. Each side unmaps with
 * {@link #release} when its link is done: the sender at once, the receiver once the last payload it
 * handed out is released, so a payload held past the link's close never points at unmapped memory.
 * (An automatic arena would leave that to the garbage collector: 16 MiB of tmpfs per lane and
 * generation for as long as the heap stays quiet.)
 */
final class ShmLane {

    static final int MAGIC = 0x52434C4E;
    static final int VERSION = 1;
    private static final long WAITING_OFFSET = 24;
    private static final int STATE_BASE = 64;
    private static final int STATE_STRIDE = 64;
    private static final int FREE = 0;
    private static final int BUSY = 1;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** Lane files are only ever opened by this name pattern, inside the configured directory. */
    private static final Pattern NAME = Pattern.compile("ringclip-lane-[0-9a-f]{1,16}-[0-9]{1,19}-[0-9]{1,6}-[0-9]{1,6}-[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final long nonce;
    private final int slots;
    private final int slotBytes;
    private final long dataOffset;
    private final Arena arena;
    private final MemorySegment memory;
    /** Receiver: payloads handed out by {@link #take} and not released yet. */
    private final AtomicInteger taken = new AtomicInteger();
    private volatile boolean released;
    private final AtomicBoolean unmapped = new AtomicBoolean();
    /** Where the sender starts looking for a free slot; a racy hint is harmless. */
    private int nextClaim;
    /** Receiver: rings the sender (a LANE_CREDIT frame) after a free that found it waiting. */
    private volatile Runnable senderWaiting = () -> {};

    private ShmLane(Path file, long nonce, int slots, int slotBytes, Arena arena, MemorySegment memory) {
        this.file = file;
        this.nonce = nonce;
        this.slots = slots;
        this.slotBytes = slotBytes;
        this.dataOffset = dataOffset(slots);
        this.arena = arena;
        this.memory = memory;
    }

    /** The lane file's name for the link {@code fromRank -> toRank} of one job generation. */
    static String fileName(long jobIdHash, long generation, int fromRank, int toRank, long nonce) {
        return "ringclip-lane-" + Long.toHexString(jobIdHash) + "-" + generation + "-" + fromRank + "-" + toRank + "-"
                + String.format("%016x", nonce);
    }

    static long newNonce() {
        return RANDOM.nextLong();
    }

    private static long dataOffset(int slots) {
        long headerEnd = STATE_BASE + (long) STATE_STRIDE * slots;
        return (headerEnd + 4095) & ~4095L;
    }

    private static long fileBytes(int slots, int slotBytes) {
        return dataOffset(slots) + (long) slots * slotBytes;
    }

    /**
     * The sender's side: creates {@code dir/name} (owner read/write only) and maps it. The file is
     * written out in full first, so a tmpfs too small for it fails here with an IOException instead of
     * faulting (SIGBUS) on a later store into the mapping.
     */
    static ShmLane create(Path dir, String name, long nonce, int slots, int slotBytes) throws IOException {
        if (slots < 1 || slotBytes < 4096 || slotBytes % 64 != 0) {
            throw new IllegalArgumentException("bad lane geometry: slots=" + slots + ", slotBytes=" + slotBytes);
        }
        Path file = dir.resolve(name);
        long bytes = fileBytes(slots, slotBytes);
        FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Arena arena = Arena.ofShared();
        try (channel) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long written = 0; written < bytes; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - written));
                written += channel.write(zeros, written);
            }
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            memory.set(ValueLayout.JAVA_INT, 4, VERSION);
            memory.set(ValueLayout.JAVA_LONG, 8, nonce);
            memory.set(ValueLayout.JAVA_INT, 16, slots);
            memory.set(ValueLayout.JAVA_INT, 20, slotBytes);
            INT.setRelease(memory, 0L, MAGIC);
            return new ShmLane(file, nonce, slots, slotBytes, arena, memory);
        } catch (IOException | RuntimeException e) { // e.g. a tmpfs too small: nothing of ours stays behind
            arena.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * The receiver's side: maps {@code dir/name} as offered by the peer, after checking that the name
     * is a lane name (no path), the file is a regular file of the offered size, and its header carries
     * the offered nonce and geometry. Anything else is an IOException: the link stays on TCP.
     */
    static ShmLane open(Path dir, String name, long nonce, int slots, int slotBytes) throws IOException {
        if (!NAME.matcher(name).matches()) {
            throw new IOException("not a lane file name: " + name);
        }
        Path file = dir.resolve(name);
        long bytes = fileBytes(slots, slotBytes);
        try (FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.READ,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || channel.size() != bytes) {
                throw new IOException("lane file has the wrong size or type: file=" + file + ", size=" + channel.size()
                        + ", expected=" + bytes);
            }
            Arena arena = Arena.ofShared();
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
            int magic = (int) INT.getAcquire(memory, 0L);
            if (magic != MAGIC || memory.get(ValueLayout.JAVA_INT, 4) != VERSION
                    || memory.get(ValueLayout.JAVA_LONG, 8) != nonce || memory.get(ValueLayout.JAVA_INT, 16) != slots
                    || memory.get(ValueLayout.JAVA_INT, 20) != slotBytes) {
                arena.close();
                throw new IOException("lane file header does not match the offer: file=" + file);
            }
            return new ShmLane(file, nonce, slots, slotBytes, arena, memory);
        }
    }

    long nonce() {
        return nonce;
    }

    int slots() {
        return slots;
    }

    int slotBytes() {
        return slotBytes;
    }

    Path file() {
        return file;
    }

    /** Removes the file (both sides have it mapped, or the offer is off); the mapping stays valid. Idempotent. */
    void unlink() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.getLogger(ShmLane.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot remove lane file: file={0}, cause={1}", file, e);
        }
    }

    /** Sender: a free slot, now busy, for a payload of {@code bytes}; -1 if all are busy or it does not fit one. */
    int claim(int bytes) {
        if (bytes > slotBytes) {
            return -1;
        }
        int start = nextClaim;
        for (int i = 0; i < slots; i++) {
            int slot = (start + i) % slots;
            if (INT.compareAndSet(memory, stateOffset(slot), FREE, BUSY)) {
                nextClaim = (slot + 1) % slots;
                return slot;
            }
        }
        return -1;
    }

    /** Sender: the first {@code bytes} of a claimed slot, little-endian, position 0. */
    ByteBuffer slot(int slot, int bytes) {
        return memory.asSlice(dataOffset + (long) slot * slotBytes, bytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Sender: whether more than {@code reserve} slots are free. If not, the waiting flag is raised, so the
     * receiver rings back once it frees a slot (a spurious ring is possible and harmless).
     */
    boolean roomOrWait(int reserve) {
        if (freeSlots() > reserve) {
            return true;
        }
        INT.getAndSet(memory, WAITING_OFFSET, 1); // full fence before re-reading the states
        return freeSlots() > reserve;
    }

    /** Receiver: what to do when a free finds the sender waiting (called on the freeing thread). */
    void onSenderWaiting(Runnable ring) {
        this.senderWaiting = ring;
    }

    /** Sender: gives a claimed slot back unsent (its fill failed). */
    void abandon(int slot) {
        INT.setRelease(memory, stateOffset(slot), FREE);
    }

    /**
     * Receiver: the payload a descriptor points at, as a buffer that frees the slot when released.
     *
     * @throws IllegalArgumentException if the descriptor is out of range or the slot is not busy
     */
    ByteBuf take(int slot, int bytes) {
        if (slot < 0 || slot >= slots || bytes < 0 || bytes > slotBytes) {
            throw new IllegalArgumentException("lane descriptor out of range: slot=" + slot + ", bytes=" + bytes
                    + ", slots=" + slots + ", slotBytes=" + slotBytes);
        }
        if ((int) INT.getAcquire(memory, stateOffset(slot)) != BUSY) {
            throw new IllegalArgumentException("lane descriptor names a free slot: slot=" + slot);
        }
        taken.incrementAndGet();
        return new SlotBuffer(this, slot, memory.asSlice(dataOffset + (long) slot * slotBytes, bytes).asByteBuffer());
    }

    /**
     * This side is done with the lane (its link closed): unmaps it now, or on the receiver once the
     * last payload {@link #take} handed out is released. Call after the last {@link #claim} or {@link
     * #take}, on the thread that made it. Idempotent.
     */
    void release() {
        released = true;
        if (taken.get() == 0) {
            unmap();
        }
    }

    /** Whether the memory is unmapped (for tests). */
    boolean unmapped() {
        return unmapped.get();
    }

    private void unmap() {
        if (unmapped.compareAndSet(false, true)) {
            arena.close();
        }
    }

    /** Slots the receiver has not freed yet (sender's view), for tests and diagnostics. */
    int busySlots() {
        return slots - freeSlots();
    }

    private int freeSlots() {
        int free = 0;
        for (int slot = 0; slot < slots; slot++) {
            free += 1 - (int) INT.getAcquire(memory, stateOffset(slot));
        }
        return free;
    }

    private void free(int slot) {
        INT.setRelease(memory, stateOffset(slot), FREE);
        if ((int) INT.getAndSet(memory, WAITING_OFFSET, 0) == 1) { // full fence after the store above
            senderWaiting.run();
        }
        if (taken.decrementAndGet() == 0 && released) {
            unmap();
        }
    }

    private static long stateOffset(int slot) {
        return STATE_BASE + (long) STATE_STRIDE * slot;
    }

    /** A received payload in its slot; the slot is freed when the last reference (slices included) goes. */
    private static final class SlotBuffer extends UnpooledDirectByteBuf {
        private final ShmLane lane;
        private final int slot;

        SlotBuffer(ShmLane lane, int slot, ByteBuffer payload) {
            super(CommBuffers.allocator(), payload, payload.capacity());
            this.lane = lane;
            this.slot = slot;
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            lane.free(slot);
        }
    }
}

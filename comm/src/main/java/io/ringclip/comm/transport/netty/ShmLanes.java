package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The shared-memory lanes of one transport ({@link ShmLane}), set up over the authenticated link
 * itself: each rank offers its ring neighbours a lane for what it sends them (LANE_OFFER, layout in
 * {@link FrameHeader}); a peer that can map the file and finds the offered nonce in it installs it in
 * its decoder and says so (LANE_REPLY); only then does the sender put payloads into it. A peer on
 * another host (or in another container's {@code /dev/shm}) cannot open the file and declines, and
 * that link stays on TCP. Until the reply, payloads go over TCP too, so nothing waits for the set-up.
 *
 * <p>Only ring neighbours get lanes: they carry the bulk (ring allreduce, reduce-scatter, allgather,
 * neighbour exchange); the direct exchange to everyone else is small. That bounds the shared memory
 * per process to two lanes out and two in.
 */
final class ShmLanes {

    private static final System.Logger LOG = System.getLogger(ShmLanes.class.getName());
    /**
     * Shared memory per lane, cut into slots of the largest payload. Measured at n = 3 and 4, 64 MiB,
     * 256 KiB segments (2026-11-29): with 16 slots, of which an op's own segments may take 12, over
     * half of the forwarded segments found no free slot and went over TCP (CPU per op 125 ms at
     * n = 3); 64 slots with at most 16 own: under 3 % (80 ms); 128 with 16 own: 0-1 %, no faster.
     */
    static final int LANE_BYTES = 16 << 20;
    static final int MAX_SLOT_BYTES = 4 << 20;

    private final Path dir;
    private final Handshake.Membership membership;
    private final int slotBytes;
    private final int slots;
    /** Lanes this process sends into, by peer: offered (not yet accepted) and accepted. */
    private final AtomicReferenceArray<ShmLane> offered;
    private final AtomicReferenceArray<ShmLane> accepted;

    /** @param dir tmpfs directory for lane files, or null for no lanes at all */
    ShmLanes(Path dir, Handshake.Membership membership, int maxPayloadBytes) {
        this.dir = dir;
        this.membership = membership;
        this.slotBytes = Math.min(MAX_SLOT_BYTES, (Math.max(maxPayloadBytes, 4096) + 63) & ~63);
        this.slots = Math.clamp(LANE_BYTES / slotBytes, 16, 256);
        this.offered = new AtomicReferenceArray<>(membership.worldSize());
        this.accepted = new AtomicReferenceArray<>(membership.worldSize());
    }

    /** Whether {@code peer} is next to this rank on the ring. */
    private boolean ringNeighbour(int peer) {
        int n = membership.worldSize();
        int rank = membership.rank();
        return peer != rank && (peer == (rank + 1) % n || peer == (rank + n - 1) % n);
    }

    /**
     * Creates the lane for sending to {@code peer} and returns the LANE_OFFER payload, or null when
     * there is no lane to offer (lanes off, not a ring neighbour, or the file cannot be made).
     */
    byte[] offerTo(int peer) {
        if (dir == null || !ringNeighbour(peer)) {
            return null;
        }
        long nonce = ShmLane.newNonce();
        String name = ShmLane.fileName(membership.jobIdHash(), membership.generation(), membership.rank(), peer, nonce);
        ShmLane lane;
        try {
            lane = ShmLane.create(dir, name, nonce, slots, slotBytes);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "no shared-memory lane to peer, staying on TCP: peer={0}, dir={1}, cause={2}",
                    peer, dir, e.toString());
            return null;
        }
        offered.set(peer, lane);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + nameBytes.length).putLong(nonce).putInt(slots).putInt(slotBytes)
                .put(nameBytes).array();
    }

    /**
     * {@code peer} offered its lane into this process: maps it and hands it to {@code install} (the
     * link's decoder) if possible. Returns the LANE_REPLY payload.
     */
    byte[] offeredBy(int peer, ByteBuf offer, Consumer<ShmLane> install) {
        if (offer.readableBytes() < 16) {
            return reply(0, false); // not a lane offer we understand: decline
        }
        int at = offer.readerIndex();
        long nonce = offer.getLong(at);
        int slots = offer.getInt(at + 8);
        int bytes = offer.getInt(at + 12);
        String name = offer.toString(at + 16, offer.readableBytes() - 16, StandardCharsets.UTF_8);
        if (dir == null || slots < 1 || slots > 1024 || bytes < 4096 || bytes > MAX_SLOT_BYTES) {
            return reply(nonce, false);
        }
        ShmLane lane = null;
        try {
            lane = ShmLane.open(dir, name, nonce, slots, bytes);
            lane.unlink(); // both sides have it mapped now
            install.accept(lane);
            return reply(nonce, true);
        } catch (IOException | RuntimeException e) {
            if (lane != null) {
                lane.release();
            }
            LOG.log(System.Logger.Level.INFO, "declined peer's shared-memory lane, staying on TCP: peer={0}, cause={1}",
                    peer, e.toString());
            return reply(nonce, false);
        }
    }

    private static byte[] reply(long nonce, boolean mapped) {
        return ByteBuffer.allocate(9).putLong(nonce).put((byte) (mapped ? 1 : 0)).array();
    }

    /** {@code peer} answered this process's offer: from now on payloads to it go through the lane, if it mapped it. */
    void repliedBy(int peer, ByteBuf reply) {
        ShmLane lane = offered.get(peer);
        if (lane == null || reply.readableBytes() < 9 || reply.getLong(reply.readerIndex()) != lane.nonce()) {
            return; // stale or unknown: ignore
        }
        offered.set(peer, null);
        lane.unlink();
        if (reply.getByte(reply.readerIndex() + 8) != 1) {
            lane.release();
        } else {
            accepted.set(peer, lane);
            LOG.log(System.Logger.Level.INFO, "payloads to peer go through shared memory: rank={0}, peer={1}, slots={2}, slotBytes={3}",
                    membership.rank(), peer, lane.slots(), String.valueOf(lane.slotBytes()));
        }
    }

    /**
     * Whether an op may add one of its own segments to the lane to {@code peer} (true without one): it
     * keeps three quarters of the slots for forwarded segments, which cannot wait (they are paced by
     * arrivals), so those rarely fall back to TCP. When false, the receiver rings back ({@link ShmLane#roomOrWait}).
     */
    boolean roomForOwn(int peer) {
        ShmLane lane = accepted.get(peer);
        return lane == null || lane.roomOrWait(lane.slots() - lane.slots() / 4);
    }

    /** Lanes this process sends into that the peer accepted (for tests and diagnostics). */
    int acceptedCount() {
        int count = 0;
        for (int peer = 0; peer < accepted.length(); peer++) {
            count += accepted.get(peer) != null ? 1 : 0;
        }
        return count;
    }

    /** Slots of the accepted lanes that their receivers have not freed yet (for tests: a held frame leaks one). */
    int busySlots() {
        int busy = 0;
        for (int peer = 0; peer < accepted.length(); peer++) {
            ShmLane lane = accepted.get(peer);
            busy += lane != null ? lane.busySlots() : 0;
        }
        return busy;
    }

    /** The accepted lane for sending to {@code peer}, or null (send over TCP). */
    ShmLane to(int peer) {
        return accepted.get(peer);
    }

    /** Removes lane files still waiting for a reply (the transport is failing or closing). */
    void close() {
        for (int peer = 0; peer < offered.length(); peer++) {
            ShmLane lane = offered.getAndSet(peer, null);
            if (lane != null) {
                lane.unlink();
                lane.release();
            }
        }
    }

    /** Unmaps the lanes this process sends into: after the transport's last send (its close). */
    void releaseSent() {
        for (int peer = 0; peer < accepted.length(); peer++) {
            ShmLane lane = accepted.getAndSet(peer, null);
            if (lane != null) {
                lane.release();
            }
        }
    }
}

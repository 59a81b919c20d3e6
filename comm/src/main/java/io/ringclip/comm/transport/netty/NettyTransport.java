package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.ringclip.comm.transport.ArrivalDriven;
import io.ringclip.comm.transport.ArrivalDrivenStart;
import io.ringclip.comm.transport.Mailbox;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * {@link Transport} over one authenticated TCP connection per peer (a full mesh: the ring uses the
 * neighbours, the direct exchange uses everyone). A send encodes straight into a pooled direct
 * buffer behind its {@link FrameHeader} in the caller's thread, then hands it to the event loop;
 * arriving frames land in the {@link Mailbox}.
 *
 * <p>When every link shares one event loop (one I/O thread, the default), {@link ArrivalDriven}
 * operations run on that loop: frames of the running op go straight to it from the decoder, and its
 * {@link #post}s write straight to the socket, since a write from inside the loop is a direct call.
 *
 * <p>Between ring neighbours on one host, payloads travel through shared memory ({@link ShmLanes},
 * {@link ShmLane}) and the TCP link carries only their 48-byte descriptors, in stream order with
 * everything else; a link whose peer cannot map the lane, or a payload that finds no free slot, uses TCP.
 *
 * <p>The first failure on any link (lost connection, corrupt frame, a peer's ABORT) fails the
 * mailbox, sends ABORT to every other peer and closes all links, so every rank learns within a
 * round trip instead of waiting for its own deadline.
 */
public final class NettyTransport implements Transport {

    private static final System.Logger LOG = System.getLogger(NettyTransport.class.getName());
    private static final int MAX_ABORT_REASON_BYTES = 1024;

    private final Handshake.Membership membership;
    private final Mailbox mailbox;
    private final AtomicReferenceArray<Channel> channels;
    private final int maxPayloadBytes;
    private final ShmLanes lanes;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> allAccepted = new CompletableFuture<>();
    private final Runnable afterClose;
    private int acceptedCount;
    /** The arrival-driven op running on the event loop; written on the loop, read anywhere. */
    private volatile ArrivalDriven active;

    /** @param shmDir where shared-memory lanes to ring neighbours are made, or null for TCP only */
    NettyTransport(Handshake.Membership membership, int maxPayloadBytes, Path shmDir, Runnable afterClose) {
        this.membership = membership;
        this.lanes = new ShmLanes(shmDir, membership, maxPayloadBytes);
        this.mailbox = new Mailbox(membership.worldSize());
        this.channels = new AtomicReferenceArray<>(membership.worldSize());
        this.maxPayloadBytes = maxPayloadBytes;
        this.afterClose = afterClose;
        if (membership.rank() == membership.worldSize() - 1) {
            allAccepted.complete(null); // nobody dials the highest rank
        }
    }

    Handshake.Membership membership() {
        return membership;
    }

    Mailbox mailbox() {
        return mailbox;
    }

    CompletableFuture<Void> allAccepted() {
        return allAccepted;
    }

    /** The acceptor authenticated {@code peer}; returns false for a second connection from the same rank. */
    synchronized boolean accepted(int peer, Channel channel) {
        if (channels.get(peer) != null || stopping.get()) {
            return false;
        }
        attach(peer, channel);
        acceptedCount++;
        if (acceptedCount == membership.worldSize() - 1 - membership.rank()) {
            allAccepted.complete(null);
        }
        return true;
    }

    /** Installs the frame stages on an authenticated channel and makes it the link to {@code peer}. */
    void attach(int peer, Channel channel) {
        channel.pipeline().addLast("frames", new FrameDecoder(membership.jobIdHash(), membership.generation(), maxPayloadBytes,
                steeredReads(channel)));
        channel.pipeline().addLast("mailbox", new InboundFrameHandler(peer, this));
        channels.set(peer, channel);
        if (stopping.get()) {
            channel.close();
            return;
        }
        byte[] offer = lanes.offerTo(peer);
        if (offer != null) {
            channel.writeAndFlush(control(channel, FrameHeader.KIND_LANE_OFFER, offer), channel.voidPromise());
        }
    }

    /** Lanes this transport sends into that their peer accepted (for tests). */
    int lanesInUse() {
        return lanes.acceptedCount();
    }

    /** Slots of those lanes still held by their receivers (for tests). */
    int laneSlotsHeld() {
        return lanes.busySlots();
    }

    /** {@code peer} offered a shared-memory lane (event loop): map it if possible, then answer. */
    void laneOffered(int peer, InboundFrame offer) {
        Channel channel = channels.get(peer);
        try {
            byte[] reply = lanes.offeredBy(peer, offer.content(), lane -> {
                lane.onSenderWaiting(() -> channel.writeAndFlush(control(channel, FrameHeader.KIND_LANE_CREDIT, new byte[0]),
                        channel.voidPromise()));
                channel.pipeline().get(FrameDecoder.class).useLane(lane);
            });
            channel.writeAndFlush(control(channel, FrameHeader.KIND_LANE_REPLY, reply), channel.voidPromise());
        } finally {
            offer.close();
        }
    }

    /** {@code peer} answered this side's lane offer (event loop). */
    void laneReplied(int peer, InboundFrame reply) {
        try {
            lanes.repliedBy(peer, reply.content());
        } finally {
            reply.close();
        }
    }

    /** The channel's read steering (installed by {@link NettyEndpoint}), or a detached one: reads stay unsteered. */
    private static SteeredReads steeredReads(Channel channel) {
        return channel.config().getRecvByteBufAllocator() instanceof SteeredReads reads ? reads : SteeredReads.detached();
    }

    @Override
    public int rank() {
        return membership.rank();
    }

    @Override
    public int worldSize() {
        return membership.worldSize();
    }

    @Override
    public CompletableFuture<Void> send(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill) {
        TransportException failure = mailbox.failure();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        Channel channel = channels.get(peer);
        ByteBuf frame = dataFrame(channel, peer, tag, payloadBytes, fill);
        CompletableFuture<Void> written = new CompletableFuture<>();
        channel.writeAndFlush(frame).addListener(f -> {
            if (f.isSuccess()) {
                written.complete(null);
            } else {
                TransportException root = mailbox.failure();
                written.completeExceptionally(root != null ? root : new TransportException(
                        TransportException.Kind.PEER_LOST, peer, "send to peer failed: peer=" + peer + ", cause=" + f.cause()));
            }
        });
        return written;
    }

    /**
     * A DATA frame: header, then the payload that {@code fill} encodes straight into the pooled direct
     * buffer; or, where the link has a shared-memory lane with a free slot, the payload encoded into
     * the slot and a DATA_SHM frame that points at it.
     */
    private ByteBuf dataFrame(Channel channel, int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill) {
        ShmLane lane = lanes.to(peer);
        int slot = lane != null ? lane.claim(payloadBytes) : -1;
        if (slot >= 0) {
            try {
                fill.accept(lane.slot(slot, payloadBytes));
            } catch (RuntimeException e) {
                lane.abandon(slot);
                throw e;
            }
            return laneDescriptor(channel, tag, slot, payloadBytes);
        }
        ByteBuf frame = channel.alloc().directBuffer(FrameHeader.BYTES + payloadBytes);
        try {
            FrameHeader.write(frame, FrameHeader.KIND_DATA, tag.dtype(), membership.jobIdHash(), membership.generation(),
                    tag.opSeq(), tag.index(), payloadBytes);
            // encode floats straight into the frame: no intermediate byte[]
            ByteBuffer payload = frame.nioBuffer(frame.writerIndex(), payloadBytes).order(ByteOrder.LITTLE_ENDIAN);
            fill.accept(payload);
            frame.writerIndex(frame.writerIndex() + payloadBytes);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        return frame;
    }

    /** A DATA_SHM frame: the payload of {@code tag} is in slot {@code slot} of the lane to the channel's peer. */
    private ByteBuf laneDescriptor(Channel channel, Tag tag, int slot, int payloadBytes) {
        ByteBuf frame = channel.alloc().directBuffer(FrameHeader.BYTES + FrameHeader.SHM_DESCRIPTOR_BYTES);
        FrameHeader.write(frame, FrameHeader.KIND_DATA_SHM, tag.dtype(), membership.jobIdHash(), membership.generation(),
                tag.opSeq(), tag.index(), FrameHeader.SHM_DESCRIPTOR_BYTES);
        frame.writeInt(slot);
        frame.writeInt(payloadBytes);
        return frame;
    }

    @Override
    public void post(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill) {
        if (mailbox.failure() != null) {
            return; // the op has been failed already
        }
        Channel channel = channels.get(peer);
        // void promise: no future per segment; a failed write reaches exceptionCaught and fails the transport
        channel.writeAndFlush(dataFrame(channel, peer, tag, payloadBytes, fill), channel.voidPromise());
    }

    /**
     * Copies the payload into a free slot of the link's shared-memory lane, if it has one; else writes a
     * fresh header, then the received payload itself (a retained duplicate): no payload copy.
     */
    @Override
    public void forward(int peer, Tag tag, Received message) {
        if (!(message instanceof InboundFrame frame)) {
            ByteBuffer payload = message.payload();
            post(peer, tag, payload.remaining(), out -> out.put(payload));
            return;
        }
        if (mailbox.failure() != null) {
            return;
        }
        Channel channel = channels.get(peer);
        ByteBuf payload = frame.content();
        int bytes = payload.readableBytes();
        ShmLane lane = lanes.to(peer);
        int slot = lane != null ? lane.claim(bytes) : -1;
        if (slot >= 0) {
            lane.slot(slot, bytes).put(payload.nioBuffer());
            channel.writeAndFlush(laneDescriptor(channel, tag, slot, bytes), channel.voidPromise());
            return;
        }
        ByteBuf header = channel.alloc().directBuffer(FrameHeader.BYTES);
        FrameHeader.write(header, FrameHeader.KIND_DATA, tag.dtype(), membership.jobIdHash(), membership.generation(),
                tag.opSeq(), tag.index(), payload.readableBytes());
        channel.write(header, channel.voidPromise());
        channel.writeAndFlush(payload.retainedDuplicate(), channel.voidPromise());
    }

    @Override
    public boolean hasRoom(int peer) {
        return channels.get(peer).isWritable() && lanes.roomForOwn(peer);
    }

    @Override
    public boolean supportsArrivalDriven() {
        return deliveryLoop() != null;
    }

    /** The event loop every link runs on, or null if the links are spread over several loops. */
    private EventLoop deliveryLoop() {
        EventLoop loop = null;
        for (int peer = 0; peer < worldSize(); peer++) {
            Channel channel = channels.get(peer);
            if (channel == null) {
                continue;
            }
            if (loop != null && channel.eventLoop() != loop) {
                return null;
            }
            loop = channel.eventLoop();
        }
        return loop;
    }

    @Override
    public void runArrivalDriven(ArrivalDriven op) {
        EventLoop loop = deliveryLoop();
        if (loop == null) {
            throw new UnsupportedOperationException("links do not share one event loop: use send/receive");
        }
        try {
            loop.execute(() -> startOnLoop(op));
        } catch (RuntimeException rejected) { // loop shut down: the transport is closed
            TransportException f = mailbox.failure();
            op.fail(f != null ? f : new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "transport closed"));
        }
    }

    private void startOnLoop(ArrivalDriven op) {
        active = op;
        // after publishing the op: a failure recorded before this read is seen by begin(), a later one
        // sees the op; messages of op arriving from now on come through deliver() on this same loop
        ArrivalDrivenStart.begin(op, mailbox, mailbox.removeOp(op.opSeq()), rank(), this::dispatch,
                e -> opFailed(op, -1, e));
    }

    /** A DATA frame arrived from {@code peer} (event loop): to the running op if it is its, else to the mailbox. */
    void deliver(int peer, InboundFrame frame) {
        ArrivalDriven op = active;
        if (op != null && op.opSeq() == frame.opSeq() && !op.finished()) {
            dispatch(op, peer, frame.segmentIndex(), frame);
        } else {
            mailbox.deliver(peer, frame.opSeq(), frame.segmentIndex(), frame);
        }
    }

    /** {@code peer} said goodbye (event loop, after all its DATA frames). */
    void peerSaidGoodbye(int peer) {
        mailbox.peerClosed(peer);
        ArrivalDriven op = active;
        if (op != null && !op.finished()) {
            op.peerClosed(peer);
        }
    }

    /** The link to {@code peer} drained below its low-water mark (event loop). */
    void roomAgain(int peer) {
        ArrivalDriven op = active;
        if (op != null && !op.finished()) {
            try {
                op.onRoom(peer);
            } catch (RuntimeException e) {
                opFailed(op, peer, e);
            }
        }
    }

    private void dispatch(ArrivalDriven op, int peer, int index, Received message) {
        try {
            op.onMessage(peer, index, message);
        } catch (RuntimeException e) {
            opFailed(op, peer, e);
        }
    }

    private void opFailed(ArrivalDriven op, int peer, RuntimeException e) {
        TransportException cause = e instanceof TransportException te ? te
                : new TransportException(TransportException.Kind.LOCAL_ABORT, peer, "arrival-driven op failed: " + e, e);
        linkFailed(cause);
        op.fail(cause);
    }

    /** Fails the running arrival-driven op, if any (after the mailbox has recorded the failure). */
    private void failActive(TransportException cause) {
        ArrivalDriven op = active;
        if (op != null) {
            op.fail(cause);
        }
    }

    @Override
    public Received receive(int peer, Tag tag, long deadlineNanos) {
        return mailbox.take(peer, tag, deadlineNanos);
    }

    @Override
    public TransportException failure() {
        return mailbox.failure();
    }

    /** A link failed (called from event-loop threads): fail everything, tell the other peers. */
    void linkFailed(TransportException cause) {
        if (!stopping.compareAndSet(false, true)) {
            mailbox.fail(cause);
            failActive(mailbox.failure());
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "transport failed: rank={0}, generation={1}, kind={2}, reason={3}",
                rank(), membership.generation(), cause.kind(), cause.getMessage());
        mailbox.fail(cause);
        failActive(mailbox.failure());
        lanes.close();
        sendAbortAndClose("rank " + rank() + " saw: " + cause.getMessage(), cause.peer());
        allAccepted.completeExceptionally(cause);
    }

    @Override
    public void abort(String reason) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        TransportException cause = new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "aborted: " + reason);
        mailbox.fail(cause);
        failActive(mailbox.failure());
        lanes.close();
        sendAbortAndClose(reason, -1);
        allAccepted.completeExceptionally(cause);
    }

    @Override
    public void close() {
        lanes.close();
        if (stopping.compareAndSet(false, true)) {
            for (int peer = 0; peer < worldSize(); peer++) {
                Channel channel = channels.get(peer);
                if (channel != null) {
                    channel.writeAndFlush(control(channel, FrameHeader.KIND_BYE, new byte[0]))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            }
            TransportException closed = new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "transport closed");
            mailbox.fail(closed);
            failActive(mailbox.failure());
            allAccepted.completeExceptionally(closed);
        }
        for (int peer = 0; peer < worldSize(); peer++) {
            Channel channel = channels.get(peer);
            if (channel != null) {
                channel.closeFuture().awaitUninterruptibly(2_000);
            }
        }
        lanes.releaseSent(); // after the last send; each link's decoder releases the lane it reads from
        afterClose.run();
    }

    private void sendAbortAndClose(String reason, int skipPeer) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ABORT_REASON_BYTES) {
            bytes = java.util.Arrays.copyOf(bytes, MAX_ABORT_REASON_BYTES);
        }
        for (int peer = 0; peer < worldSize(); peer++) {
            Channel channel = channels.get(peer);
            if (channel == null) {
                continue;
            }
            if (peer == skipPeer || !channel.isActive()) {
                channel.close();
            } else {
                channel.writeAndFlush(control(channel, FrameHeader.KIND_ABORT, bytes)).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private ByteBuf control(Channel channel, byte kind, byte[] payload) {
        ByteBuf frame = channel.alloc().buffer(FrameHeader.BYTES + payload.length);
        FrameHeader.write(frame, kind, 0, membership.jobIdHash(), membership.generation(), -1, 0, payload.length);
        frame.writeBytes(payload);
        return frame;
    }
}

package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.ringclip.comm.transport.Mailbox;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CompletableFuture<Void> allAccepted = new CompletableFuture<>();
    private final Runnable afterClose;
    private int acceptedCount;

    NettyTransport(Handshake.Membership membership, int maxPayloadBytes, Runnable afterClose) {
        this.membership = membership;
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
        channel.pipeline().addLast("frames", new FrameDecoder(membership.jobIdHash(), membership.generation(), maxPayloadBytes));
        channel.pipeline().addLast("mailbox", new InboundFrameHandler(peer, this));
        channels.set(peer, channel);
        if (stopping.get()) {
            channel.close();
        }
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
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "transport failed: rank={0}, generation={1}, kind={2}, reason={3}",
                rank(), membership.generation(), cause.kind(), cause.getMessage());
        mailbox.fail(cause);
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
        sendAbortAndClose(reason, -1);
        allAccepted.completeExceptionally(cause);
    }

    @Override
    public void close() {
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
            allAccepted.completeExceptionally(closed);
        }
        for (int peer = 0; peer < worldSize(); peer++) {
            Channel channel = channels.get(peer);
            if (channel != null) {
                channel.closeFuture().awaitUninterruptibly(2_000);
            }
        }
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

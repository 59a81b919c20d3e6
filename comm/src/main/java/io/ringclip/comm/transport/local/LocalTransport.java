package io.ringclip.comm.transport.local;

import io.ringclip.comm.transport.Mailbox;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * In-JVM transport: a send copies the payload into a fresh heap buffer and drops it straight into
 * the receiver's {@link Mailbox}. No threads, no sockets; the same algorithms as over TCP.
 */
final class LocalTransport implements Transport {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int rank;
    private final List<LocalTransport> fabric;
    private final Mailbox mailbox;

    /** {@code fabric} is filled with all {@code worldSize} transports before the first send. */
    LocalTransport(int rank, int worldSize, List<LocalTransport> fabric) {
        this.rank = rank;
        this.fabric = fabric;
        this.mailbox = new Mailbox(worldSize);
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return fabric.size();
    }

    @Override
    public CompletableFuture<Void> send(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill) {
        TransportException failure = mailbox.failure();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        ByteBuffer payload = ByteBuffer.allocate(payloadBytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(payload);
        payload.clear();
        fabric.get(peer).mailbox.deliver(rank, tag.opSeq(), tag.index(), new HeapMessage(tag.dtype(), payload));
        return DONE;
    }

    @Override
    public Received receive(int peer, Tag tag, long deadlineNanos) {
        return mailbox.take(peer, tag, deadlineNanos);
    }

    @Override
    public TransportException failure() {
        return mailbox.failure();
    }

    @Override
    public void abort(String reason) {
        if (mailbox.failure() != null) {
            return;
        }
        mailbox.fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "aborted: " + reason));
        for (LocalTransport peer : fabric) {
            if (peer != this) {
                peer.mailbox.fail(new TransportException(TransportException.Kind.PEER_ABORTED, rank,
                        "peer aborted: peer=" + rank + ", peerReason=" + reason));
            }
        }
    }

    @Override
    public void close() {
        mailbox.fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "communicator closed"));
        for (LocalTransport peer : fabric) {
            if (peer != this) {
                peer.mailbox.peerClosed(rank);
            }
        }
    }

    private record HeapMessage(int dtype, ByteBuffer bytes) implements Received {
        /** A fresh view each call, so one reader's position never moves another's (Received's contract). */
        @Override
        public ByteBuffer payload() {
            return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() {
            // heap memory: nothing to release
        }
    }
}

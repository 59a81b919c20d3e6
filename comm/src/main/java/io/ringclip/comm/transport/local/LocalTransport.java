package io.ringclip.comm.transport.local;

import io.ringclip.comm.transport.ArrivalDriven;
import io.ringclip.comm.transport.ArrivalDrivenStart;
import io.ringclip.comm.transport.Mailbox;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * In-JVM transport: a send copies the payload into a fresh heap buffer and drops it straight into
 * the receiver's {@link Mailbox}. No sockets; the same algorithms as over TCP.
 *
 * <p>{@link ArrivalDriven} ops run on a per-rank delivery thread (started on first use): while one
 * runs, messages of its op go to that thread instead of the mailbox, in the order they were sent.
 */
final class LocalTransport implements Transport {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final int rank;
    private final List<LocalTransport> fabric;
    private final Mailbox mailbox;
    /** Guards {@code active} against deliveries from other ranks' threads. */
    private final Object deliveryLock = new Object();
    private ArrivalDriven active;
    private ExecutorService deliveryThread;

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
        fabric.get(peer).deliver(rank, tag, new HeapMessage(tag.dtype(), payload));
        return DONE;
    }

    /** A message from {@code from} (sender's thread): to this rank's running op, or to the mailbox. */
    private void deliver(int from, Tag tag, HeapMessage message) {
        synchronized (deliveryLock) {
            ArrivalDriven op = active;
            if (op != null && op.opSeq() == tag.opSeq()) {
                try {
                    deliveryThread.execute(() -> dispatch(op, from, tag.index(), message));
                    return;
                } catch (RejectedExecutionException closed) {
                    return; // closed: heap message, nothing to release
                }
            }
            // under the lock: a start() between the check above and this would miss the message
            mailbox.deliver(from, tag.opSeq(), tag.index(), message);
        }
    }

    @Override
    public boolean supportsArrivalDriven() {
        return true;
    }

    @Override
    public void runArrivalDriven(ArrivalDriven op) {
        try {
            synchronized (deliveryLock) {
                if (deliveryThread == null) {
                    deliveryThread = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, "ringclip-local-delivery-r" + rank);
                        t.setDaemon(true);
                        return t;
                    });
                }
                deliveryThread.execute(() -> start(op));
            }
        } catch (RejectedExecutionException closed) {
            op.fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "transport closed"));
        }
    }

    private void start(ArrivalDriven op) {
        List<Mailbox.Held> early;
        synchronized (deliveryLock) {
            active = op;
            early = mailbox.removeOp(op.opSeq()); // later messages of op come through deliver()
        }
        ArrivalDrivenStart.begin(op, mailbox, early, rank, this::dispatch, e -> failOp(op, e));
    }

    private void dispatch(ArrivalDriven op, int from, int index, Received message) {
        if (op.finished()) {
            message.close();
            return;
        }
        try {
            op.onMessage(from, index, message);
        } catch (RuntimeException e) {
            failOp(op, e);
        }
    }

    private void failOp(ArrivalDriven op, RuntimeException e) {
        TransportException cause = e instanceof TransportException te ? te
                : new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "arrival-driven op failed: " + e, e);
        abort(cause.getMessage());
        op.fail(cause);
    }

    @Override
    public void post(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill) {
        send(peer, tag, payloadBytes, fill);
    }

    @Override
    public void forward(int peer, Tag tag, Received message) {
        ByteBuffer payload = message.payload();
        send(peer, tag, payload.remaining(), out -> out.put(payload));
    }

    @Override
    public boolean hasRoom(int peer) {
        return true; // a send is a copy into the peer's queue: never back-pressured
    }

    /** {@code from} closed: tell the running op after the messages already queued for it. */
    private void saidGoodbye(int from) {
        synchronized (deliveryLock) {
            ArrivalDriven op = active;
            if (op != null && !op.finished()) {
                try {
                    deliveryThread.execute(() -> op.peerClosed(from));
                } catch (RejectedExecutionException closed) {
                    // this rank is closed too
                }
            }
        }
    }

    /** Fails the running arrival-driven op, if any. */
    private void failActive() {
        ArrivalDriven op;
        synchronized (deliveryLock) {
            op = active;
        }
        if (op != null) {
            op.fail(mailbox.failure());
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

    @Override
    public void abort(String reason) {
        if (mailbox.failure() != null) {
            return;
        }
        mailbox.fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "aborted: " + reason));
        failActive();
        for (LocalTransport peer : fabric) {
            if (peer != this) {
                peer.mailbox.fail(new TransportException(TransportException.Kind.PEER_ABORTED, rank,
                        "peer aborted: peer=" + rank + ", peerReason=" + reason));
                peer.failActive();
            }
        }
    }

    @Override
    public void close() {
        mailbox.fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "communicator closed"));
        failActive();
        synchronized (deliveryLock) {
            if (deliveryThread != null) {
                deliveryThread.shutdown();
            }
        }
        for (LocalTransport peer : fabric) {
            if (peer != this) {
                peer.mailbox.peerClosed(rank);
                peer.saidGoodbye(rank);
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

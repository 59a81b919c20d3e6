package io.ringclip.comm.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where arriving messages wait for the op thread, keyed by (peer, op sequence, index). Shared by
 * every transport: I/O threads {@link #deliver}, the op thread {@link #take}s.
 *
 * <p>Fail-stop: after {@link #fail} every take throws, and held messages are released; a peer that
 * said goodbye ({@link #peerClosed}) only fails takes that wait for something it never sent.
 */
public final class Mailbox {

    private record Key(int peer, long opSeq, int index) {}

    /** A message taken out of the mailbox for an {@link ArrivalDriven} op; the receiver now owns it. */
    public record Held(int peer, int index, Received message) {}

    private final int worldSize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<Key, Received> messages = new HashMap<>();
    private final boolean[] peerClosed;
    private TransportException failure;

    public Mailbox(int worldSize) {
        this.worldSize = worldSize;
        this.peerClosed = new boolean[worldSize];
    }

    /** Hands over {@code message}; the mailbox now owns it (and releases it if it cannot be kept). */
    public void deliver(int peer, long opSeq, int index, Received message) {
        Received duplicate = null;
        lock.lock();
        try {
            if (failure != null) {
                message.close();
                return;
            }
            duplicate = messages.putIfAbsent(new Key(peer, opSeq, index), message);
            if (duplicate == null) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (duplicate != null) {
            message.close();
            fail(new TransportException(TransportException.Kind.MALFORMED, peer,
                    "duplicate message: peer=" + peer + ", opSeq=" + opSeq + ", index=" + index));
        }
    }

    /** Waits for the message {@code tag} from {@code peer} until {@code deadlineNanos}. */
    public Received take(int peer, Tag tag, long deadlineNanos) {
        Key key = new Key(peer, tag.opSeq(), tag.index());
        Received message;
        lock.lock();
        try {
            while (true) {
                if (failure != null) {
                    throw failure;
                }
                message = messages.remove(key);
                if (message != null) {
                    break;
                }
                if (peerClosed[peer]) {
                    throw new TransportException(TransportException.Kind.PEER_CLOSED, peer,
                            "peer closed its communicator before sending: opSeq=" + tag.opSeq() + ", index=" + tag.index());
                }
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    throw new TransportException(TransportException.Kind.TIMEOUT, peer,
                            "timed out waiting for peer: opSeq=" + tag.opSeq() + ", index=" + tag.index());
                }
                try {
                    changed.awaitNanos(Math.min(remainingNanos, TimeUnit.SECONDS.toNanos(1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException(TransportException.Kind.LOCAL_ABORT, peer, "interrupted while waiting", e);
                }
            }
        } finally {
            lock.unlock();
        }
        if (message.dtype() != tag.dtype()) {
            message.close();
            TransportException e = new TransportException(TransportException.Kind.MALFORMED, peer,
                    "dtype mismatch: expected=" + tag.dtype() + ", received=" + message.dtype());
            fail(e);
            throw e;
        }
        return message;
    }

    /**
     * Removes and returns every held message of {@code opSeq} (messages that arrived before their
     * {@link ArrivalDriven} op started), in no particular order. The caller owns them.
     */
    public List<Held> removeOp(long opSeq) {
        List<Held> held = new ArrayList<>();
        lock.lock();
        try {
            var it = messages.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey().opSeq() == opSeq) {
                    held.add(new Held(e.getKey().peer(), e.getKey().index(), e.getValue()));
                    it.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        return held;
    }

    /** Records the first failure, wakes every waiter and releases held messages. Later failures are ignored. */
    public void fail(TransportException cause) {
        List<Received> dropped;
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            failure = cause;
            dropped = new ArrayList<>(messages.values());
            messages.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        dropped.forEach(Received::close);
    }

    /** The peer said goodbye: messages it already delivered can still be taken. */
    public void peerClosed(int peer) {
        lock.lock();
        try {
            peerClosed[peer] = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} has said goodbye. */
    public boolean hasClosed(int peer) {
        lock.lock();
        try {
            return peerClosed[peer];
        } finally {
            lock.unlock();
        }
    }

    public TransportException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    public int worldSize() {
        return worldSize;
    }
}

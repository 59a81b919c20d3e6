package io.ringclip.comm.transport;

/** A transport-level failure; the communicator turns it into a {@link io.ringclip.comm.CollectiveException}. */
public final class TransportException extends RuntimeException {

    public enum Kind {
        /** A deadline passed while waiting for a peer. */
        TIMEOUT,
        /** The connection to a peer broke without a goodbye. */
        PEER_LOST,
        /** A peer closed its side normally, and a message it never sent was awaited. */
        PEER_CLOSED,
        /** A peer announced it aborted (its own failure, or elastic re-rendezvous). */
        PEER_ABORTED,
        /** A frame broke the protocol (bad header, wrong job or generation, wrong length or dtype). */
        MALFORMED,
        /** This side was aborted or closed locally. */
        LOCAL_ABORT
    }

    private final Kind kind;
    private final int peer;

    public TransportException(Kind kind, int peer, String reason) {
        this(kind, peer, reason, null);
    }

    public TransportException(Kind kind, int peer, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
        this.peer = peer;
    }

    public Kind kind() {
        return kind;
    }

    /** Peer rank concerned, or -1. */
    public int peer() {
        return peer;
    }
}

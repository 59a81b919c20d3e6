package io.ringclip.comm;

/**
 * A collective operation failed, and with it the whole communicator. The message is key=value and
 * names the operation, this rank, the peer involved ({@code peer=-1} when none), the generation and
 * the time since the operation started, e.g.
 * {@code "allReduce failed: reason=peer connection lost, op=allReduce, seq=12, rank=1, peer=2, generation=3, elapsedMs=41"}.
 */
public final class CollectiveException extends RuntimeException {

    private final String op;
    private final int rank;
    private final int peer;
    private final long generation;
    private final long elapsedMs;
    private final String reason;

    public CollectiveException(
            String op, long seq, int rank, int peer, long generation, long elapsedMs, String reason, Throwable cause) {
        super(op + " failed: reason=" + reason + ", op=" + op + ", seq=" + seq + ", rank=" + rank
                + ", peer=" + peer + ", generation=" + generation + ", elapsedMs=" + elapsedMs, cause);
        this.op = op;
        this.rank = rank;
        this.peer = peer;
        this.generation = generation;
        this.elapsedMs = elapsedMs;
        this.reason = reason;
    }

    /** The cause in words, without the key=value context. */
    public String reason() {
        return reason;
    }

    public String op() {
        return op;
    }

    public int rank() {
        return rank;
    }

    /** The peer whose loss, silence or bad frame caused the failure; -1 when no single peer did. */
    public int peer() {
        return peer;
    }

    public long generation() {
        return generation;
    }

    public long elapsedMs() {
        return elapsedMs;
    }
}

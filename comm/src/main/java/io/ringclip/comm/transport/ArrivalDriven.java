package io.ringclip.comm.transport;

/**
 * An operation that runs on the transport's delivery thread (the thread that receives messages)
 * instead of on the op thread: it is started there, and every message of its op sequence is handed
 * to it there as it arrives, so it can reduce and forward a segment the moment it lands. Its sends
 * ({@link Transport#post}) then leave from that same thread, which over TCP means straight into the
 * socket, with no thread hand-off per segment. The op thread only waits for the whole operation.
 *
 * <p>All calls but {@link #fail} come from the delivery thread, one at a time, so an implementation
 * needs no locks for its own state.
 */
public interface ArrivalDriven {

    /** The op sequence number whose messages this operation takes. */
    long opSeq();

    /** Called once, before any {@link #onMessage}: the first sends go out here. */
    void start();

    /**
     * A message of this op from {@code peer} with ordinal {@code index} on that link (messages may
     * arrive in any order of index). The callee owns and closes {@code message}.
     *
     * @throws TransportException if the message is malformed; the transport then fails
     */
    void onMessage(int peer, int index, Received message);

    /** The link to {@code peer} has room again after {@link Transport#hasRoom} said it had none. */
    void onRoom(int peer);

    /**
     * {@code peer} said goodbye (closed its communicator); its messages delivered before are already
     * handed over. Fail if the operation still waits for one from it.
     */
    void peerClosed(int peer);

    /** True once the operation completed or failed: later messages are not for it. */
    boolean finished();

    /** The transport failed (any thread): fail the operation, touch no more buffers. Idempotent. */
    void fail(TransportException cause);
}

package io.ringclip.comm.transport;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The narrow seam between collective algorithms and the network: send and receive tagged byte
 * ranges to and from a peer rank. Algorithms see nothing else (no sockets, no Netty).
 *
 * <p>Two ways to drive an operation. Op-thread style: {@link #send} (asynchronous) and {@link
 * #receive} (blocking) from one thread at a time, the communicator's op thread. Arrival-driven
 * style ({@link #runArrivalDriven}): the operation runs on the thread that receives messages and
 * sends with {@link #post}/{@link #forward} from there, so a segment is passed on without a thread
 * hand-off. Messages on one link can arrive in any order relative to their tags; the receiver picks
 * them by tag.
 *
 * <p>Failure is fail-stop: once any peer is lost, aborts, or sends a malformed frame, every
 * {@link #receive} throws a {@link TransportException} naming that peer.
 */
public interface Transport extends AutoCloseable {

    int rank();

    int worldSize();

    /**
     * Queues one message to {@code peer}. {@code fill} is called before this method returns, with a
     * little-endian buffer of exactly {@code payloadBytes} remaining (position 0) to write the payload into.
     *
     * @return completes when the bytes have left this process's hands (handed to the socket or the
     *     peer's mailbox); fails if the link broke
     */
    CompletableFuture<Void> send(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill);

    /**
     * Takes the message with {@code tag} from {@code peer}, waiting until {@code deadlineNanos}
     * ({@link System#nanoTime()} scale). The caller closes the result.
     *
     * @throws TransportException on timeout, on any peer failure, or if the message's dtype differs from the tag's
     */
    Received receive(int peer, Tag tag, long deadlineNanos);

    /**
     * Whether {@link #runArrivalDriven} is available: every link delivers on one thread, from which
     * {@link #post} sends without a hand-off. Transports that cannot say false, and callers use
     * {@link #send}/{@link #receive} from the op thread.
     */
    boolean supportsArrivalDriven();

    /**
     * Starts {@code op} on the delivery thread: messages of {@code op.opSeq()} that arrived earlier are
     * handed to it right after {@link ArrivalDriven#start}, later ones as they arrive, until it
     * {@link ArrivalDriven#finished finishes}. At most one such op runs at a time. If the transport has
     * failed or fails later, {@link ArrivalDriven#fail} is called. The caller waits for the op's own
     * completion signal, with its deadline.
     *
     * @throws UnsupportedOperationException if {@link #supportsArrivalDriven()} is false
     */
    void runArrivalDriven(ArrivalDriven op);

    /**
     * Like {@link #send}, for use on the delivery thread inside an {@link ArrivalDriven} op: no
     * completion future; a failed write fails the whole transport (and so the op).
     */
    void post(int peer, Tag tag, int payloadBytes, Consumer<ByteBuffer> fill);

    /**
     * Like {@link #post}, sending {@code message}'s payload as it is now: unchanged (allgather
     * forwarding) or with a partial sum reduced into it in place through {@link Received#payload}
     * (reduce-scatter). Without a copy where the transport can pass the received bytes on. The caller still owns and closes
     * {@code message}; the transport keeps its own reference while it needs one.
     */
    void forward(int peer, Tag tag, Received message);

    /**
     * Whether the link to {@code peer} can take another segment without queueing in this process
     * beyond its high-water mark (delivery thread only). When false, {@link ArrivalDriven#onRoom} follows
     * once the queue has drained below its low-water mark.
     */
    boolean hasRoom(int peer);

    /** The failure that stopped this transport, or null while healthy. */
    TransportException failure();

    /** Fails this transport and tells every peer, so their receives fail promptly. Idempotent. */
    void abort(String reason);

    /** Says goodbye to peers and releases everything. Messages already handed over still arrive. */
    @Override
    void close();
}

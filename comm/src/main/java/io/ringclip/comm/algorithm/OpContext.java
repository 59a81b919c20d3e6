package io.ringclip.comm.algorithm;

import io.ringclip.comm.CommMetrics;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import io.ringclip.comm.wire.WireCodec;
import io.ringclip.comm.wire.WireReduce;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What an algorithm sees of one operation: its rank and world, a deadline, and typed send/receive
 * of float ranges to a peer. Message tags are counted per link here (the i-th message of this op
 * from A to B has index i on both sides), so algorithms never build tags.
 *
 * <p>At most {@code inFlight} sends are outstanding: sending one more first waits (until the
 * deadline) for the oldest to leave the process. With 2, one segment is on the wire while the next
 * is encoded or reduced.
 */
public final class OpContext {

    private final Transport transport;
    private final long opSeq;
    private final long deadlineNanos;
    private final WireFormat wire;
    private final int segmentElements;
    private final int inFlight;
    private final CommMetrics metrics;
    private final WireCodec codec;
    private final WireReduce reducer;
    private final int[] sentOnLink;
    private final int[] receivedOnLink;
    private final ArrayDeque<CompletableFuture<Void>> window = new ArrayDeque<>();
    private float[] scratch = new float[0];

    public OpContext(Transport transport, long opSeq, long deadlineNanos, WireFormat wire, int segmentElements,
            int inFlight, CommMetrics metrics, WireCodec codec, WireReduce reducer) {
        this.transport = transport;
        this.opSeq = opSeq;
        this.deadlineNanos = deadlineNanos;
        this.wire = wire;
        this.segmentElements = segmentElements;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.codec = codec;
        this.reducer = reducer;
        this.sentOnLink = new int[transport.worldSize()];
        this.receivedOnLink = new int[transport.worldSize()];
    }

    public int rank() {
        return transport.rank();
    }

    public int worldSize() {
        return transport.worldSize();
    }

    /** Ring successor: (rank + 1) mod n. */
    public int next() {
        return (rank() + 1) % worldSize();
    }

    /** Ring predecessor: (rank - 1 + n) mod n. */
    public int prev() {
        return (rank() - 1 + worldSize()) % worldSize();
    }

    public WireFormat wire() {
        return wire;
    }

    Transport transport() {
        return transport;
    }

    long opSeq() {
        return opSeq;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    CommMetrics metrics() {
        return metrics;
    }

    WireCodec codec() {
        return codec;
    }

    WireReduce reducer() {
        return reducer;
    }

    public int segmentElements() {
        return segmentElements;
    }

    /** A reusable float buffer of at least {@code length} elements (one per op; not shared with sends). */
    public float[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new float[length];
        }
        return scratch;
    }

    /** Sends {@code src[offset, offset+length)} in this op's wire format to {@code peer}. */
    public void send(int peer, float[] src, int offset, int length) {
        int bytes = length * wire.bytesPerElement();
        awaitWindowRoom();
        Tag tag = new Tag(opSeq, sentOnLink[peer]++, wire.code());
        window.addLast(transport.send(peer, tag, bytes, buffer -> codec.encode(wire, src, offset, length, buffer)));
        metrics.sent(bytes);
    }

    /** Receives exactly {@code length} elements from {@code peer} into {@code dst[offset, ...)}. */
    public void receive(int peer, float[] dst, int offset, int length) {
        try (Received message = take(peer, length)) {
            codec.decode(wire, message.payload(), dst, offset, length);
        }
    }

    /** Receives {@code length} elements from {@code peer} and folds them into {@code dst[offset, ...)} with {@code op}. */
    public void receiveAccumulate(int peer, ReduceOp op, float[] dst, int offset, int length) {
        try (Received message = take(peer, length)) {
            reducer.accumulate(wire, op, message.payload(), dst, offset, length);
        }
    }

    /**
     * Receives {@code length} elements from {@code from}, combines them with {@code x[offset, ...)} and
     * sends the result to {@code to}, reading the received bytes in place and writing the result
     * straight into the outgoing frame (one pass; see {@link WireReduce#reduceInto}).
     */
    public void receiveReduceSend(int from, int to, ReduceOp op, float[] x, int offset, int length) {
        try (Received message = take(from, length)) {
            int bytes = length * wire.bytesPerElement();
            awaitWindowRoom();
            Tag tag = new Tag(opSeq, sentOnLink[to]++, wire.code());
            window.addLast(transport.send(to, tag, bytes,
                    buffer -> reducer.reduceInto(wire, op, message.payload(), x, offset, buffer, length)));
            metrics.sent(bytes);
        }
    }

    /**
     * Receives {@code length} elements from {@code from} into {@code dst[offset, ...)} and passes the
     * same wire bytes on to {@code to} (allgather forwarding: no re-encoding of the decoded floats).
     */
    public void receiveForward(int from, int to, float[] dst, int offset, int length) {
        try (Received message = take(from, length)) {
            int bytes = length * wire.bytesPerElement();
            awaitWindowRoom();
            Tag tag = new Tag(opSeq, sentOnLink[to]++, wire.code());
            window.addLast(transport.send(to, tag, bytes, buffer -> buffer.put(message.payload())));
            metrics.sent(bytes);
            codec.decode(wire, message.payload(), dst, offset, length);
        }
    }

    /** Takes the next message from {@code peer}, checked to carry exactly {@code length} elements. */
    private Received take(int peer, int length) {
        Tag tag = new Tag(opSeq, receivedOnLink[peer]++, wire.code());
        int expectedBytes = length * wire.bytesPerElement();
        Received message = transport.receive(peer, tag, deadlineNanos);
        int bytes = message.payload().remaining();
        if (bytes != expectedBytes) {
            message.close();
            TransportException e = new TransportException(TransportException.Kind.MALFORMED, peer,
                    "payload length mismatch: expectedBytes=" + expectedBytes + ", receivedBytes=" + bytes);
            transport.abort(e.getMessage());
            throw e;
        }
        metrics.received(bytes);
        return message;
    }

    /** Waits until every send of this op has left the process. */
    public void drain() {
        while (!window.isEmpty()) {
            awaitOldestSend();
        }
    }

    private void awaitWindowRoom() {
        while (window.size() >= inFlight) {
            awaitOldestSend();
        }
    }

    private void awaitOldestSend() {
        CompletableFuture<Void> oldest = window.removeFirst();
        try {
            oldest.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TransportException(TransportException.Kind.TIMEOUT, -1,
                    "timed out waiting for a send to leave the process: opSeq=" + opSeq);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransportException te) {
                throw te;
            }
            throw new TransportException(TransportException.Kind.PEER_LOST, -1, "send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "interrupted while sending", e);
        }
    }
}

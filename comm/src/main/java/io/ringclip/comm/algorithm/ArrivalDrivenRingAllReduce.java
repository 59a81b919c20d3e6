package io.ringclip.comm.algorithm;

import io.ringclip.comm.CommMetrics;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import io.ringclip.comm.transport.ArrivalDriven;
import io.ringclip.comm.transport.Received;
import io.ringclip.comm.transport.Tag;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import io.ringclip.comm.wire.WireCodec;
import io.ringclip.comm.wire.WireReduce;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ring allreduce (reduce-scatter, then allgather) run by message arrivals on the transport's
 * delivery thread: each segment is reduced and forwarded the moment it lands, from the thread that
 * read it, so no segment waits for a thread hand-off. Same schedule, same messages on the wire
 * (same tags, same bytes) and same results as {@link RingReduceScatter} followed by
 * {@link RingAllGather} on the op thread, which stays as the reference path.
 *
 * <p>Vocabulary as in {@link RingPartition}. The 2(n-1) ring steps of allreduce are numbered
 * t = 0..2n-3 (reduce-scatter t = 0..n-2, allgather t = n-1..2n-3); at step t rank r sends chunk
 * (r - t - 1) mod n and receives chunk (r - t - 2) mod n. A message's index on its link is its
 * position in (step, segment) order: {@code base[t] + k}. What an arrival of (t, k) does:
 * <pre>
 *   t &lt; n-2        partial sum: add this rank's segment into the received bytes, forward them as (t+1, k)
 *   t = n-2        own chunk complete: the same, also finish (AVG), round to the wire and store it
 *   n-1 &lt;= t &lt; 2n-3 reduced segment: store it, forward the received bytes as (t+1, k)
 *   t = 2n-3       store it
 * </pre>
 * Reduce-scatter works in place in the received frame (one SIMD pass: load it, add, store it back)
 * and sends that same frame on: no outgoing buffer to allocate, and the frame's cache lines, which the
 * socket read has just written, are reused instead of write-allocating fresh ones.
 * Only step 0 has no arrival to trigger it: those segments (this rank's own data) are fed in while
 * the link to the successor has room ({@link Transport#hasRoom}), so they never pile up in memory.
 *
 * <p>Single-threaded: every method but {@link #fail} runs on the delivery thread; {@link #done()}
 * is what the op thread waits on. Writes into {@code data} happen only there, before completion; after
 * a failure (timeout, lost peer) an arrival already being handled may still finish its segment while
 * the op thread reports the error — a failed allreduce leaves {@code data} undefined either way.
 */
public final class ArrivalDrivenRingAllReduce implements ArrivalDriven {

    private final Transport transport;
    private final long opSeq;
    private final float[] data;
    private final RingPartition partition;
    private final ReduceOp op;
    private final WireFormat wire;
    private final CommMetrics metrics;
    private final WireCodec codec;
    private final WireReduce reducer;
    private final int n;
    private final int rank;
    private final int next;
    private final int prev;
    /** sendBase[t]: index of the first message of step t on the link to next; sendBase[2n-2] = total. */
    private final int[] sendBase;
    /** recvBase[t]: the same on the link from prev. */
    private final int[] recvBase;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean finished;
    private int injected;
    private int arrived;

    /**
     * @param data the allreduce buffer; {@code partition} covers the range to reduce, in place
     */
    public ArrivalDrivenRingAllReduce(Transport transport, long opSeq, float[] data, RingPartition partition, ReduceOp op,
            WireFormat wire, CommMetrics metrics, WireCodec codec, WireReduce reducer) {
        this.transport = transport;
        this.opSeq = opSeq;
        this.data = data;
        this.partition = partition;
        this.op = op;
        this.wire = wire;
        this.metrics = metrics;
        this.codec = codec;
        this.reducer = reducer;
        this.n = transport.worldSize();
        this.rank = transport.rank();
        this.next = (rank + 1) % n;
        this.prev = (rank - 1 + n) % n;
        if (n < 2 || partition.worldSize() != n) {
            throw new IllegalArgumentException("needs a partition over the world (n >= 2): worldSize=" + n
                    + ", partitionRanks=" + partition.worldSize());
        }
        int steps = 2 * (n - 1);
        this.sendBase = new int[steps + 1];
        this.recvBase = new int[steps + 1];
        for (int t = 0; t < steps; t++) {
            sendBase[t + 1] = sendBase[t] + partition.segments(sendChunk(t));
            recvBase[t + 1] = recvBase[t] + partition.segments(recvChunk(t));
        }
    }

    /**
     * Allreduce of {@code partition}'s range of {@code data} in place, on {@code ctx}'s transport's
     * delivery thread; this (op) thread waits once, until the op's deadline.
     */
    public static void run(OpContext ctx, float[] data, RingPartition partition, ReduceOp op) {
        ArrivalDrivenRingAllReduce ring = new ArrivalDrivenRingAllReduce(ctx.transport(), ctx.opSeq(), data, partition, op,
                ctx.wire(), ctx.metrics(), ctx.codec(), ctx.reducer());
        ctx.transport().runArrivalDriven(ring);
        try {
            ring.done.get(Math.max(0, ctx.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            TransportException timeout = new TransportException(TransportException.Kind.TIMEOUT, ring.prev,
                    "timed out waiting for peer: opSeq=" + ctx.opSeq() + ", " + ring.progress());
            ring.fail(timeout);
            throw timeout;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransportException te) {
                throw te;
            }
            throw new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "allreduce failed: " + e.getCause(),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            TransportException interrupted = new TransportException(TransportException.Kind.LOCAL_ABORT, -1,
                    "interrupted while waiting", e);
            ring.fail(interrupted);
            throw interrupted;
        }
    }

    /** Completes when this rank's result is in {@code data}; fails with the transport's failure. */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Where the op stands, for a timeout message. */
    public String progress() {
        return "arrived=" + arrived + "/" + recvBase[recvBase.length - 1] + " from peer=" + prev
                + ", injected=" + injected + "/" + partition.segments(sendChunk(0));
    }

    private int sendChunk(int t) {
        return Math.floorMod(rank - t - 1, n);
    }

    private int recvChunk(int t) {
        return Math.floorMod(rank - t - 2, n);
    }

    @Override
    public long opSeq() {
        return opSeq;
    }

    @Override
    public void start() {
        injectOwnSegments();
        completeIfDone();
    }

    @Override
    public void onMessage(int peer, int index, Received message) {
        try (message) {
            if (finished) {
                return;
            }
            int total = recvBase[recvBase.length - 1];
            if (peer != prev || index < 0 || index >= total) {
                throw malformed(peer, "unexpected message: peer=" + peer + ", index=" + index + ", expectedPeer=" + prev
                        + ", messages=" + total);
            }
            if (message.dtype() != wire.code()) {
                throw malformed(peer, "dtype mismatch: expected=" + wire.code() + ", received=" + message.dtype());
            }
            int t = stepOf(index);
            int k = index - recvBase[t];
            int chunk = recvChunk(t);
            int offset = partition.segmentOffset(chunk, k);
            int length = partition.segmentLength(chunk, k);
            ByteBuffer payload = message.payload();
            int bytes = length * wire.bytesPerElement();
            if (payload.remaining() != bytes) {
                throw malformed(peer, "payload length mismatch: expectedBytes=" + bytes + ", receivedBytes="
                        + payload.remaining());
            }
            metrics.received(bytes);
            arrive(t, k, offset, length, message, payload);
            arrived++;
        }
        injectOwnSegments();
        completeIfDone();
    }

    /** Step t, segment k has arrived: the table in the class comment. */
    private void arrive(int t, int k, int offset, int length, Received message, ByteBuffer payload) {
        int lastReduceStep = n - 2;
        int lastStep = 2 * n - 3;
        if (t < lastReduceStep) {
            reducer.reduceInto(wire, op, payload, data, offset, message.payload(), length);
            forward(t + 1, k, length, message);
        } else if (t == lastReduceStep) {
            // fold in, finish (AVG), round as the wire will carry it (so all ranks agree bit for bit),
            // store, and write the result back into the frame: one pass
            reducer.reduceFinishInto(wire, op, payload, data, offset, message.payload(), length, n);
            forward(t + 1, k, length, message);
        } else if (t < lastStep) {
            forward(t + 1, k, length, message);
            codec.decode(wire, payload, data, offset, length);
        } else {
            codec.decode(wire, payload, data, offset, length);
        }
    }

    /** Feeds step 0 (this rank's own data of chunk r-1) while the link to the successor has room. */
    private void injectOwnSegments() {
        int chunk = sendChunk(0);
        int segments = partition.segments(chunk);
        while (!finished && injected < segments && transport.hasRoom(next)) {
            int k = injected++;
            int offset = partition.segmentOffset(chunk, k);
            int length = partition.segmentLength(chunk, k);
            send(0, k, length, out -> codec.encode(wire, data, offset, length, out));
        }
    }

    /** Sends {@code message}'s bytes as they are now as step t, segment k. */
    private void forward(int t, int k, int length, Received message) {
        transport.forward(next, new Tag(opSeq, sendBase[t] + k, wire.code()), message);
        metrics.sent(length * wire.bytesPerElement());
    }

    private void send(int t, int k, int length, java.util.function.Consumer<ByteBuffer> fill) {
        int bytes = length * wire.bytesPerElement();
        transport.post(next, new Tag(opSeq, sendBase[t] + k, wire.code()), bytes, fill);
        metrics.sent(bytes);
    }

    /** The step whose index range holds {@code index} (n is small: a linear scan). */
    private int stepOf(int index) {
        int t = 0;
        while (index >= recvBase[t + 1]) {
            t++;
        }
        return t;
    }

    private void completeIfDone() {
        if (!finished && arrived == recvBase[recvBase.length - 1] && injected == partition.segments(sendChunk(0))) {
            finished = true;
            done.complete(null);
        }
    }

    @Override
    public void onRoom(int peer) {
        if (peer == next) {
            injectOwnSegments();
            completeIfDone();
        }
    }

    @Override
    public void peerClosed(int peer) {
        if (peer == prev && arrived < recvBase[recvBase.length - 1]) {
            fail(new TransportException(TransportException.Kind.PEER_CLOSED, peer,
                    "peer closed its communicator before sending: opSeq=" + opSeq + ", " + progress()));
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public void fail(TransportException cause) {
        finished = true;
        done.completeExceptionally(cause);
    }

    private TransportException malformed(int peer, String reason) {
        return new TransportException(TransportException.Kind.MALFORMED, peer, reason + ", opSeq=" + opSeq);
    }
}

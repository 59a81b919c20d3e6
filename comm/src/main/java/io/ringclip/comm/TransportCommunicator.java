package io.ringclip.comm;

import io.ringclip.comm.algorithm.ArrivalDrivenRingAllReduce;
import io.ringclip.comm.algorithm.Barrier;
import io.ringclip.comm.algorithm.Broadcast;
import io.ringclip.comm.algorithm.DirectExchange;
import io.ringclip.comm.algorithm.NeighbourExchange;
import io.ringclip.comm.algorithm.OpContext;
import io.ringclip.comm.algorithm.RingAllGather;
import io.ringclip.comm.algorithm.RingPartition;
import io.ringclip.comm.algorithm.RingReduceScatter;
import io.ringclip.comm.transport.Transport;
import io.ringclip.comm.transport.TransportException;
import io.ringclip.comm.wire.WireCodec;
import io.ringclip.comm.wire.WireReduce;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Communicator} over any {@link Transport}: validates arguments in the caller's thread,
 * numbers operations in call order, runs them one at a time in that order (sync calls in the
 * caller's thread when nothing is queued, async ones on its own op thread), picks the
 * algorithm by size (direct exchange up to {@link CommConfig#smallMessageThresholdBytes()}, the
 * pipelined ring above), and turns the first transport failure into a {@link CollectiveException}
 * that fails this operation, every queued one, every later one, and (through the transport's
 * abort) the peers' operations too.
 */
public final class TransportCommunicator implements Communicator {

    private static final System.Logger LOG = System.getLogger(TransportCommunicator.class.getName());

    @FunctionalInterface
    private interface Body {
        void run(OpContext ctx);
    }

    private final Transport transport;
    private final long generation;
    private final CommConfig config;
    private final CommMetrics metrics;
    private final WireCodec codec = new WireCodec();
    private final WireReduce reducer = new WireReduce();
    private final ExecutorService opThread;
    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
    private final Object submitLock = new Object();
    private long nextSeq;
    private final ReentrantLock turnLock = new ReentrantLock();
    private final Condition turnChanged = turnLock.newCondition();
    private long nextToRun;
    private volatile CollectiveException failure;

    public TransportCommunicator(Transport transport, long generation, CommConfig config) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.generation = generation;
        this.config = Objects.requireNonNull(config, "config");
        String kind = transport.getClass().getSimpleName().replace("Transport", "").toLowerCase(java.util.Locale.ROOT);
        this.metrics = new CommMetrics(config.meterRegistry(), transport.rank(), kind);
        String threadName = "ringclip-comm-r" + transport.rank() + "-g" + generation;
        this.opThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int rank() {
        return transport.rank();
    }

    @Override
    public int worldSize() {
        return transport.worldSize();
    }

    @Override
    public long generation() {
        return generation;
    }

    public CommMetrics metrics() {
        return metrics;
    }

    /**
     * Whether ring allreduce runs arrival-driven on the transport's delivery thread (config allows it
     * and the transport supports it), rather than on the op thread.
     */
    public boolean arrivalDrivenRing() {
        return config.arrivalDriven() && transport.supportsArrivalDriven();
    }

    // ---- allReduce ---------------------------------------------------------------------------

    @Override
    public void allReduce(float[] data, int offset, int length, ReduceOp op, WireFormat wire) {
        await(allReduceOp(data, offset, length, op, wire, true));
    }

    @Override
    public CompletableFuture<Void> allReduceAsync(float[] data, int offset, int length, ReduceOp op, WireFormat wire) {
        return allReduceOp(data, offset, length, op, wire, false);
    }

    private CompletableFuture<Void> allReduceOp(float[] data, int offset, int length, ReduceOp op, WireFormat wire, boolean inline) {
        checkRange("data", data, offset, length);
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(wire, "wire");
        int n = worldSize();
        long bytes = (long) length * Float.BYTES;
        return submit(inline, "allReduce", wire, bytes, 2.0 * (n - 1) / n, ctx -> {
            if (n == 1) {
                return;
            }
            if (bytes <= config.smallMessageThresholdBytes()) {
                DirectExchange.allReduce(ctx, data, offset, length, op);
                return;
            }
            RingPartition partition = RingPartition.balanced(offset, length, n, config.segmentElements());
            if (arrivalDrivenRing()) {
                ArrivalDrivenRingAllReduce.run(ctx, data, partition, op);
                return;
            }
            int own = partition.chunkOffset(rank());
            RingReduceScatter.run(ctx, data, partition, data, own, op);
            // the owner rounds its reduced chunk as the wire will carry it, so all ranks agree bit for bit
            WireCodec.quantize(wire, data, own, partition.chunkLength(rank()));
            RingAllGather.run(ctx, data, partition);
        });
    }

    // ---- reduceScatter -----------------------------------------------------------------------

    @Override
    public void reduceScatter(float[] input, float[] output, int outOffset, int[] counts, ReduceOp op, WireFormat wire) {
        await(reduceScatterOp(input, output, outOffset, counts, op, wire, true));
    }

    @Override
    public CompletableFuture<Void> reduceScatterAsync(
            float[] input, float[] output, int outOffset, int[] counts, ReduceOp op, WireFormat wire) {
        return reduceScatterOp(input, output, outOffset, counts, op, wire, false);
    }

    private CompletableFuture<Void> reduceScatterOp(
            float[] input, float[] output, int outOffset, int[] counts, ReduceOp op, WireFormat wire, boolean inline) {
        long total = checkCounts(counts);
        checkRange("input", input, 0, total);
        checkRange("output", output, outOffset, counts[rank()]);
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(wire, "wire");
        int n = worldSize();
        int[] countsCopy = counts.clone();
        long bytes = total * Float.BYTES;
        return submit(inline, "reduceScatter", wire, bytes, (n - 1.0) / n, ctx -> {
            RingPartition partition = RingPartition.ofCounts(0, countsCopy, config.segmentElements());
            if (bytes <= config.smallMessageThresholdBytes()) {
                DirectExchange.reduceScatter(ctx, input, partition, output, outOffset, op);
            } else {
                RingReduceScatter.run(ctx, input, partition, output, outOffset, op);
            }
        });
    }

    // ---- allGather ---------------------------------------------------------------------------

    @Override
    public void allGather(float[] input, int inOffset, float[] output, int[] counts) {
        await(allGatherOp(input, inOffset, output, counts, true));
    }

    @Override
    public CompletableFuture<Void> allGatherAsync(float[] input, int inOffset, float[] output, int[] counts) {
        return allGatherOp(input, inOffset, output, counts, false);
    }

    private CompletableFuture<Void> allGatherOp(float[] input, int inOffset, float[] output, int[] counts, boolean inline) {
        long total = checkCounts(counts);
        checkRange("input", input, inOffset, counts[rank()]);
        checkRange("output", output, 0, total);
        int n = worldSize();
        int[] countsCopy = counts.clone();
        long bytes = total * Float.BYTES;
        return submit(inline, "allGather", WireFormat.FP32, bytes, (n - 1.0) / n, ctx -> {
            RingPartition partition = RingPartition.ofCounts(0, countsCopy, config.segmentElements());
            System.arraycopy(input, inOffset, output, partition.chunkOffset(rank()), countsCopy[rank()]);
            if (bytes <= config.smallMessageThresholdBytes()) {
                DirectExchange.allGather(ctx, output, partition);
            } else {
                RingAllGather.run(ctx, output, partition);
            }
        });
    }

    // ---- broadcast, barrier, sendRecv --------------------------------------------------------

    @Override
    public void broadcast(float[] data, int offset, int length, int root) {
        await(broadcastOp(data, offset, length, root, true));
    }

    @Override
    public CompletableFuture<Void> broadcastAsync(float[] data, int offset, int length, int root) {
        return broadcastOp(data, offset, length, root, false);
    }

    private CompletableFuture<Void> broadcastOp(float[] data, int offset, int length, int root, boolean inline) {
        checkRange("data", data, offset, length);
        if (root < 0 || root >= worldSize()) {
            throw new IllegalArgumentException("root out of range: root=" + root + ", worldSize=" + worldSize());
        }
        long bytes = (long) length * Float.BYTES;
        return submit(inline, "broadcast", WireFormat.FP32, bytes, 0, ctx -> {
            if (bytes <= config.smallMessageThresholdBytes()) {
                Broadcast.direct(ctx, data, offset, length, root);
            } else {
                Broadcast.ring(ctx, data, offset, length, root);
            }
        });
    }

    @Override
    public void barrier() {
        await(barrierOp(true));
    }

    @Override
    public CompletableFuture<Void> barrierAsync() {
        return barrierOp(false);
    }

    private CompletableFuture<Void> barrierOp(boolean inline) {
        return submit(inline, "barrier", WireFormat.FP32, 0, 0, Barrier::run);
    }

    @Override
    public void sendRecv(float[] send, int sendOffset, float[] recv, int recvOffset, int length) {
        await(sendRecvOp(send, sendOffset, recv, recvOffset, length, true));
    }

    @Override
    public CompletableFuture<Void> sendRecvAsync(float[] send, int sendOffset, float[] recv, int recvOffset, int length) {
        return sendRecvOp(send, sendOffset, recv, recvOffset, length, false);
    }

    private CompletableFuture<Void> sendRecvOp(float[] send, int sendOffset, float[] recv, int recvOffset, int length, boolean inline) {
        checkRange("send", send, sendOffset, length);
        checkRange("recv", recv, recvOffset, length);
        if (send == recv && length > 0 && sendOffset < recvOffset + length && recvOffset < sendOffset + length) {
            throw new IllegalArgumentException("send and recv ranges overlap: sendOffset=" + sendOffset
                    + ", recvOffset=" + recvOffset + ", length=" + length);
        }
        long bytes = (long) length * Float.BYTES;
        return submit(inline, "sendRecv", WireFormat.FP32, bytes, 0,
                ctx -> NeighbourExchange.run(ctx, send, sendOffset, recv, recvOffset, length));
    }

    // ---- failure and lifecycle ---------------------------------------------------------------

    @Override
    public void abort(Throwable cause) {
        String reason = "aborted by caller: " + cause;
        CollectiveException e = new CollectiveException("abort", -1, rank(), -1, generation, 0, reason, cause);
        fail(e);
    }

    @Override
    public void close() {
        opThread.shutdown();
        try {
            if (!opThread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "closing with operations still running: rank={0}", rank());
                transport.abort("communicator closed with operations in flight");
                opThread.shutdownNow();
                opThread.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        CollectiveException closed = new CollectiveException("close", -1, rank(), -1, generation, 0,
                "communicator closed", null);
        for (CompletableFuture<Void> f : pending) {
            f.completeExceptionally(closed);
        }
        transport.close();
    }

    private void fail(CollectiveException e) {
        synchronized (submitLock) {
            if (failure != null) {
                return;
            }
            failure = e;
        }
        metrics.failed(e.op());
        LOG.log(System.Logger.Level.ERROR, e.getMessage());
        transport.abort(e.reason() + " (at rank=" + rank() + ", op=" + e.op() + ")");
    }

    /**
     * Numbers the op and runs it in number order: a sync call with nothing queued runs right here in
     * the caller's thread (saving two thread hand-offs, which dominate small-message latency on a
     * busy machine); async calls run on the op thread.
     */
    private CompletableFuture<Void> submit(boolean inline, String op, WireFormat wire, long dataBytes, double busFactor,
            Body body) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        long seq;
        synchronized (submitLock) {
            seq = nextSeq++;
        }
        pending.add(future);
        future.whenComplete((v, e) -> pending.remove(future));
        if (inline) {
            inTurn(seq, () -> run(op, seq, wire, dataBytes, busFactor, body, future));
            return future;
        }
        try {
            opThread.execute(() -> inTurn(seq, () -> run(op, seq, wire, dataBytes, busFactor, body, future)));
        } catch (RejectedExecutionException e) {
            inTurn(seq, () -> future.completeExceptionally(new CollectiveException(op, seq, rank(), -1, generation, 0,
                    "communicator closed", e)));
        }
        return future;
    }

    /** Waits until every op numbered below {@code seq} has finished, runs {@code task}, then lets the next one go. */
    private void inTurn(long seq, Runnable task) {
        turnLock.lock();
        try {
            while (nextToRun != seq) {
                turnChanged.awaitUninterruptibly(); // the op ahead has its own deadline
            }
        } finally {
            turnLock.unlock();
        }
        try {
            task.run();
        } finally {
            turnLock.lock();
            try {
                nextToRun++;
                turnChanged.signalAll();
            } finally {
                turnLock.unlock();
            }
        }
    }

    private void run(String op, long seq, WireFormat wire, long dataBytes, double busFactor, Body body,
            CompletableFuture<Void> future) {
        long startNanos = System.nanoTime();
        CollectiveException earlier = failure;
        if (earlier != null) {
            future.completeExceptionally(new CollectiveException(op, seq, rank(), earlier.peer(), generation, 0,
                    "communicator failed earlier: " + earlier.reason(), earlier));
            return;
        }
        TransportException broken = transport.failure();
        if (broken != null) { // a link failed while idle: this op fails, and tells the peers
            CollectiveException ce = toCollective(op, seq, startNanos, broken);
            fail(ce);
            future.completeExceptionally(ce);
            return;
        }
        OpContext ctx = new OpContext(transport, seq, startNanos + config.opTimeout().toNanos(), wire,
                config.segmentElements(), config.inFlightSegments(), metrics, codec, reducer);
        try {
            body.run(ctx);
            long elapsed = System.nanoTime() - startNanos;
            metrics.completed(op, wire, elapsed, dataBytes, busFactor);
            future.complete(null);
        } catch (RuntimeException | Error e) {
            CollectiveException ce = toCollective(op, seq, startNanos, e);
            fail(ce);
            future.completeExceptionally(ce);
        }
    }

    private CollectiveException toCollective(String op, long seq, long startNanos, Throwable e) {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        CollectiveException earlier = failure;
        if (earlier != null) {
            // aborted locally while this op ran: report the abort's reason
            return new CollectiveException(op, seq, rank(), earlier.peer(), generation, elapsedMs,
                    "communicator failed: " + earlier.reason(), earlier);
        }
        if (e instanceof TransportException te) {
            // report the first failure of the transport (the root cause), not a later symptom of it
            TransportException root = transport.failure();
            TransportException first = root != null && root.kind() != TransportException.Kind.LOCAL_ABORT ? root : te;
            String reason = first.kind() + " " + first.getMessage();
            if (first != te) {
                reason = reason + "; seen here as: " + te.kind() + " " + te.getMessage();
            }
            return new CollectiveException(op, seq, rank(), first.peer(), generation, elapsedMs, reason, te);
        }
        return new CollectiveException(op, seq, rank(), -1, generation, elapsedMs, "internal error: " + e, e);
    }

    private static void await(CompletableFuture<Void> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    // ---- argument checks (caller's thread; bad input never fails the communicator) -----------

    private static void checkRange(String name, float[] array, int offset, long length) {
        Objects.requireNonNull(array, name);
        if (offset < 0 || length < 0 || offset + length > array.length) {
            throw new IllegalArgumentException("range out of bounds: array=" + name + ", offset=" + offset
                    + ", length=" + length + ", arrayLength=" + array.length);
        }
    }

    private long checkCounts(int[] counts) {
        Objects.requireNonNull(counts, "counts");
        if (counts.length != worldSize()) {
            throw new IllegalArgumentException(
                    "one count per rank needed: counts=" + counts.length + ", worldSize=" + worldSize());
        }
        long total = 0;
        for (int r = 0; r < counts.length; r++) {
            if (counts[r] < 0) {
                throw new IllegalArgumentException("negative count: rank=" + r + ", count=" + counts[r]);
            }
            total += counts[r];
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("counts too large: total=" + total);
        }
        return total;
    }
}

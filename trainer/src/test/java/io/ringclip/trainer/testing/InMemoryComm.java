package io.ringclip.trainer.testing;

import io.ringclip.trainer.dist.FeatureExchange;
import io.ringclip.trainer.loop.WorkerComm;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Test double of {@link WorkerComm}: N ranks as threads sharing memory, so the distributed
 * loss maths can be tested independently of the comm module. Collectives meet at a barrier
 * (with a deadline); neighbour sends go through per-rank FIFO mailboxes drained by one thread per
 * rank, so receives complete in issue order exactly like a real ring.
 */
public final class InMemoryComm implements WorkerComm {

    private final Shared shared;
    private final int rank;

    private InMemoryComm(Shared shared, int rank) {
        this.shared = shared;
        this.rank = rank;
    }

    private static final class Shared {
        final int n;
        final CyclicBarrier barrier;
        final float[][] slots;
        final List<BlockingQueue<float[]>> mailboxes = new ArrayList<>();
        final List<ExecutorService> receivers = new ArrayList<>();

        Shared(int n) {
            this.n = n;
            this.barrier = new CyclicBarrier(n);
            this.slots = new float[n][];
            for (int i = 0; i < n; i++) {
                mailboxes.add(new LinkedBlockingQueue<>());
                receivers.add(Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "in-memory-exchange-recv");
                    t.setDaemon(true);
                    return t;
                }));
            }
        }

        void await() {
            try {
                barrier.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("in-memory exchange barrier failed: " + e, e);
            }
        }
    }

    /** N connected communicators, one per rank (use each from its own thread). */
    public static List<InMemoryComm> create(int n) {
        Shared shared = new Shared(n);
        List<InMemoryComm> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            out.add(new InMemoryComm(shared, r));
        }
        return out;
    }

    /** Runs {@code body} on N threads, one exchange each, and returns their results in rank order. */
    public static <T> List<T> runRanks(int n, Function<? super InMemoryComm, T> body) {
        Shared shared = new Shared(n);
        List<CompletableFuture<T>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int r = 0; r < n; r++) {
                InMemoryComm ex = new InMemoryComm(shared, r);
                futures.add(CompletableFuture.supplyAsync(() -> body.apply(ex), pool));
            }
            List<T> out = new ArrayList<>();
            for (CompletableFuture<T> f : futures) {
                out.add(f.orTimeout(120, TimeUnit.SECONDS).join());
            }
            return out;
        } finally {
            shared.receivers.forEach(ExecutorService::shutdownNow);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int worldSize() {
        return shared.n;
    }

    @Override
    public void allGather(float[] local, float[] gathered) {
        shared.slots[rank] = local;
        shared.await();
        for (int q = 0; q < shared.n; q++) {
            System.arraycopy(shared.slots[q], 0, gathered, q * local.length, local.length);
        }
        shared.await();
    }

    @Override
    public void reduceScatterSum(float[] full, float[] local) {
        shared.slots[rank] = full;
        shared.await();
        int chunk = local.length;
        for (int i = 0; i < chunk; i++) {
            float sum = 0;
            for (int q = 0; q < shared.n; q++) {
                sum += shared.slots[q][rank * chunk + i];
            }
            local[i] = sum;
        }
        shared.await();
    }

    @Override
    public void allReduceSum(float[] data) {
        shared.slots[rank] = data.clone();
        shared.await();
        for (int i = 0; i < data.length; i++) {
            float sum = 0;
            for (int q = 0; q < shared.n; q++) {
                sum += shared.slots[q][i];
            }
            data[i] = sum;
        }
        shared.await();
    }

    @Override
    public void allReduceMax(float[] data) {
        shared.slots[rank] = data.clone();
        shared.await();
        for (int i = 0; i < data.length; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int q = 0; q < shared.n; q++) {
                max = Math.max(max, shared.slots[q][i]);
            }
            data[i] = max;
        }
        shared.await();
    }

    /** Synchronous under the hood (meets the other ranks at a barrier); returns a completed future. */
    @Override
    public CompletableFuture<Void> allReduceSumAsync(float[] data, int offset, int length) {
        float[] mine = new float[length];
        System.arraycopy(data, offset, mine, 0, length);
        shared.slots[rank] = mine;
        shared.await();
        for (int i = 0; i < length; i++) {
            float sum = 0;
            for (int q = 0; q < shared.n; q++) {
                sum += shared.slots[q][i];
            }
            data[offset + i] = sum;
        }
        shared.await();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void broadcast(float[] data, int offset, int length, int root) {
        shared.slots[rank] = data;
        shared.await();
        if (rank != root) {
            System.arraycopy(shared.slots[root], offset, data, offset, length);
        }
        shared.await();
    }

    @Override
    public void barrier() {
        shared.await();
    }

    @Override
    public void abort(Throwable cause) {
        shared.barrier.reset();
    }

    @Override
    public void close() {}

    @Override
    public CompletableFuture<Void> sendRecvAsync(float[] send, float[] recv) {
        shared.mailboxes.get((rank + 1) % shared.n).add(send.clone());
        BlockingQueue<float[]> mine = shared.mailboxes.get(rank);
        return CompletableFuture.runAsync(() -> {
            try {
                float[] m = mine.poll(30, TimeUnit.SECONDS);
                if (m == null) {
                    throw new IllegalStateException("sendRecv timed out: rank=" + rank);
                }
                System.arraycopy(m, 0, recv, 0, recv.length);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, shared.receivers.get(rank));
    }
}

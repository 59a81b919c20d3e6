package io.ringclip.comm;

import java.util.concurrent.CompletableFuture;

/**
 * Collective operations among the {@link #worldSize()} ranks of one membership generation.
 *
 * <p>Every rank must issue the same operations in the same order (as with MPI, NCCL and gloo), and
 * all ranks need the same {@link CommConfig} sizes (segment, small-message threshold). Operations
 * run one at a time in call order: an async call returns at once and runs on this communicator's
 * own thread; a sync call runs in the caller's thread once the operations before it are done. Data
 * arrays belong to the operation until it completes.
 *
 * <p>Failure is collective and loud: a lost peer, a malformed frame or a missed deadline fails the
 * operation in flight and every pending and future operation on every rank with a
 * {@link CollectiveException}; the communicator is then unusable and a new one is built for the
 * next generation.
 */
public interface Communicator extends AutoCloseable {

    int rank();

    int worldSize();

    /** The membership generation this communicator belongs to; frames of other generations are rejected. */
    long generation();

    /** In place over {@code data[offset, offset+length)}: every rank ends with the same reduction. */
    void allReduce(float[] data, int offset, int length, ReduceOp op, WireFormat wire);

    CompletableFuture<Void> allReduceAsync(float[] data, int offset, int length, ReduceOp op, WireFormat wire);

    /**
     * {@code input} holds {@code sum(counts)} elements laid out rank by rank; this rank's reduced
     * block ({@code counts[rank]} elements) is written to {@code output[outOffset, outOffset+counts[rank])}.
     * {@code input} is not modified.
     */
    void reduceScatter(float[] input, float[] output, int outOffset, int[] counts, ReduceOp op, WireFormat wire);

    CompletableFuture<Void> reduceScatterAsync(
            float[] input, float[] output, int outOffset, int[] counts, ReduceOp op, WireFormat wire);

    /**
     * {@code input[inOffset, inOffset+counts[rank])} from every rank, concatenated in rank order
     * into {@code output[0, sum(counts))}; counts may differ per rank.
     */
    void allGather(float[] input, int inOffset, float[] output, int[] counts);

    CompletableFuture<Void> allGatherAsync(float[] input, int inOffset, float[] output, int[] counts);

    /** Copies {@code data[offset, offset+length)} of rank {@code root} into the same range on every rank. */
    void broadcast(float[] data, int offset, int length, int root);

    CompletableFuture<Void> broadcastAsync(float[] data, int offset, int length, int root);

    /** Returns once every rank has entered the barrier. */
    void barrier();

    CompletableFuture<Void> barrierAsync();

    /**
     * Ring neighbour exchange: sends {@code send[sendOffset, +length)} to rank {@code (rank+1)%n} while
     * receiving the same-length block from rank {@code (rank-1+n)%n} into {@code recv[recvOffset, +length)}.
     * The two ranges must not overlap.
     */
    void sendRecv(float[] send, int sendOffset, float[] recv, int recvOffset, int length);

    CompletableFuture<Void> sendRecvAsync(float[] send, int sendOffset, float[] recv, int recvOffset, int length);

    /**
     * Fails every pending and future operation on this communicator with {@code cause} and tells the
     * peers, so their operations fail too. Used by elastic training when the generation changes.
     */
    void abort(Throwable cause);

    /** Waits briefly for queued operations to drain, then releases connections and threads. */
    @Override
    void close();
}

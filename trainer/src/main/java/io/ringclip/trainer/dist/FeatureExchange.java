package io.ringclip.trainer.dist;

import java.util.concurrent.CompletableFuture;

/**
 * The collectives a distributed contrastive loss needs, on float32 feature buffers. The trainer
 * implements it over {@code io.ringclip.comm.Communicator}; every rank calls the same operations
 * in the same order.
 */
public interface FeatureExchange {

    int rank();

    int worldSize();

    /** {@code gathered = local₀ ‖ local₁ ‖ … ‖ local_{N−1}}; every rank passes the same {@code local.length}. */
    void allGather(float[] local, float[] gathered);

    /** {@code local = Σ_q full_q[rank chunk]}: the SUM of every rank's {@code full}, chunk {@code rank} of N equal chunks. */
    void reduceScatterSum(float[] full, float[] local);

    /** In-place SUM over ranks of a small vector (loss values, flags). */
    void allReduceSum(float[] data);

    /**
     * Ring neighbour exchange: sends {@code send} to rank+1 and receives into {@code recv} from
     * rank−1 (mod N). {@code send} must not be written and {@code recv} not read until the future completes.
     */
    CompletableFuture<Void> sendRecvAsync(float[] send, float[] recv);
}

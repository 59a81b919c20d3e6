package io.ringclip.comm;

import java.time.Duration;

/**
 * Finds the other ranks of a job: who am I, how many are we, where do they listen, and the
 * secret that proves a connection belongs to this job. The coordinator implements this over gRPC;
 * {@link StaticRendezvous} takes a fixed list.
 */
public interface Rendezvous {

    /** Blocks until the membership is known; throws {@link IllegalStateException} when the timeout passes first. */
    RendezvousResult await(Duration timeout);
}

package io.ringclip.comm;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** A fixed membership: rank, peer list, job id and secret known up front (tests, benchmarks, static clusters). */
public final class StaticRendezvous implements Rendezvous {

    private final RendezvousResult result;

    public StaticRendezvous(int rank, long generation, String jobId, byte[] secret, List<InetSocketAddress> peers) {
        this.result = new RendezvousResult(rank, peers.size(), generation, jobId, secret, peers);
    }

    @Override
    public RendezvousResult await(Duration timeout) {
        return result;
    }
}

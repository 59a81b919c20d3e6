package io.ringclip.comm;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One rank's view of a membership generation.
 *
 * @param rank this worker's rank in [0, worldSize)
 * @param worldSize number of ranks
 * @param generation membership generation; frames and handshakes of other generations are rejected
 * @param jobId job identifier; its 64-bit hash travels in every frame header
 * @param secret shared job secret for the HMAC-SHA256 handshake (at least 16 bytes)
 * @param peers listen address of every rank, indexed by rank (including this one)
 */
public record RendezvousResult(
        int rank, int worldSize, long generation, String jobId, byte[] secret, List<InetSocketAddress> peers) {

    public RendezvousResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(peers, "peers");
        if (worldSize < 1) {
            throw new IllegalArgumentException("worldSize must be >= 1: worldSize=" + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank out of range: rank=" + rank + ", worldSize=" + worldSize);
        }
        if (peers.size() != worldSize) {
            throw new IllegalArgumentException(
                    "one address per rank needed: peers=" + peers.size() + ", worldSize=" + worldSize);
        }
        if (secret.length < 16) {
            throw new IllegalArgumentException("secret too short: secretBytes=" + secret.length + ", minimum=16");
        }
        secret = secret.clone();
        peers = List.copyOf(peers);
    }

    @Override
    public byte[] secret() {
        return secret.clone();
    }

    /** FNV-1a 64 of the UTF-8 job id: cheap, stable across JVMs, carried in every frame header. */
    public long jobIdHash() {
        long h = 0xcbf29ce484222325L;
        for (byte b : jobId.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        // never print the secret
        return "RendezvousResult[rank=" + rank + ", worldSize=" + worldSize + ", generation=" + generation
                + ", jobId=" + jobId + ", peers=" + peers + "]";
    }
}

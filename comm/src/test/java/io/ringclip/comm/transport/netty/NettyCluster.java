package io.ringclip.comm.transport.netty;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.TransportCommunicator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** n Netty endpoints on loopback in one JVM, connected as one job (test helper). */
final class NettyCluster implements AutoCloseable {

    static final byte[] SECRET = "test-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    final List<NettyEndpoint> endpoints = new ArrayList<>();
    final List<Communicator> comms = new ArrayList<>();
    /** By rank, behind {@link #comms}. */
    final List<NettyTransport> transports = new ArrayList<>();

    static NettyCluster start(int worldSize, long generation, CommConfig config) {
        return start(worldSize, generation, rank -> config);
    }

    /** As above, with each rank's own settings (e.g. a shared-memory directory per rank). */
    static NettyCluster start(int worldSize, long generation, IntFunction<CommConfig> configOfRank) {
        NettyCluster cluster = new NettyCluster();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            NettyEndpoint e = NettyEndpoint.bind(configOfRank.apply(r), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            cluster.endpoints.add(e);
            addresses.add(e.localAddress());
        }
        List<CompletableFuture<NettyTransport>> connecting = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            RendezvousResult membership = membership(r, generation, addresses, SECRET);
            NettyEndpoint e = cluster.endpoints.get(r);
            connecting.add(CompletableFuture.supplyAsync(() -> e.connectTransport(membership, () -> {}), runnable -> {
                Thread t = new Thread(runnable, "connect-" + membership.rank());
                t.setDaemon(true);
                t.start();
            }));
        }
        try {
            for (int r = 0; r < worldSize; r++) {
                NettyTransport transport = connecting.get(r).join();
                cluster.transports.add(transport);
                cluster.comms.add(new TransportCommunicator(transport, generation, configOfRank.apply(r)));
            }
        } catch (RuntimeException ex) {
            cluster.close();
            throw ex;
        }
        return cluster;
    }

    static RendezvousResult membership(int rank, long generation, List<InetSocketAddress> peers, byte[] secret) {
        return new RendezvousResult(rank, peers.size(), generation, "test-job", secret, peers);
    }

    @Override
    public void close() {
        comms.forEach(Communicator::close);
        endpoints.forEach(NettyEndpoint::close);
    }
}

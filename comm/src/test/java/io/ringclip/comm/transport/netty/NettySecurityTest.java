package io.ringclip.comm.transport.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.ringclip.comm.ClusterRun;
import io.ringclip.comm.CollectivesContract;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.WireFormat;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections must prove the job secret before anything is read. While rank 0 waits for rank 1,
 * strangers knock: garbage bytes, a dialer with the wrong secret, one with the right secret but a
 * stale generation. Each is closed; then the real rank 1 connects and the job runs.
 */
@Timeout(60)
class NettySecurityTest {

    @Test
    void garbageWrongSecretAndStaleGenerationAreRejectedAndTheJobCarriesOn() throws Exception {
        CommConfig config = CollectivesContract.tinySegments().withConnectTimeout(Duration.ofSeconds(30));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (NettyEndpoint e0 = NettyEndpoint.bind(config, new InetSocketAddress(loopback, 0));
                NettyEndpoint e1 = NettyEndpoint.bind(config, new InetSocketAddress(loopback, 0))) {
            List<InetSocketAddress> peers = List.of(e0.localAddress(), e1.localAddress());
            RendezvousResult m0 = NettyCluster.membership(0, 4, peers, NettyCluster.SECRET);
            RendezvousResult m1 = NettyCluster.membership(1, 4, peers, NettyCluster.SECRET);
            CompletableFuture<Communicator> rank0 = CompletableFuture.supplyAsync(() -> e0.connect(m0));
            while (!e0.awaitingPeers()) {
                Thread.sleep(5);
            }

            assertClosedAfterGarbage(e0.localAddress());
            Throwable wrongSecret = dialAsRogue(e0.localAddress(),
                    new Handshake.Membership(1, 2, m0.jobIdHash(), 4, "not-the-secret-at-all-0123".getBytes(StandardCharsets.UTF_8)));
            assertTrue(wrongSecret.getMessage().contains("closed during handshake"), wrongSecret.getMessage());
            Throwable staleGeneration = dialAsRogue(e0.localAddress(),
                    new Handshake.Membership(1, 2, m0.jobIdHash(), 3, NettyCluster.SECRET));
            assertTrue(staleGeneration.getMessage().contains("closed during handshake"), staleGeneration.getMessage());
            assertTrue(e0.awaitingPeers(), "rank 0 still waits for the real rank 1");

            Communicator c1 = e1.connect(m1);
            Communicator c0 = rank0.get(30, TimeUnit.SECONDS);
            try {
                List<float[]> results = ClusterRun.onAllRanks(List.of(c0, c1), Duration.ofSeconds(30), c -> {
                    float[] data = {c.rank() + 1f, 10f};
                    c.allReduce(data, 0, 2, ReduceOp.SUM, WireFormat.FP32);
                    return data;
                });
                assertArrayEquals(new float[] {3f, 20f}, results.get(0));
                assertArrayEquals(new float[] {3f, 20f}, results.get(1));
            } finally {
                c0.close();
                c1.close();
            }
        }
    }

    /** Writes random bytes to the port; the acceptor must hang up (read sees end of stream). */
    private static void assertClosedAfterGarbage(InetSocketAddress address) throws Exception {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            byte[] garbage = new byte[300];
            new SplittableRandom(1).nextBytes(garbage);
            socket.getOutputStream().write(garbage);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] challenge = in.readNBytes(Handshake.CHALLENGE_BYTES);
            assertEquals(Handshake.CHALLENGE_BYTES, challenge.length, "the acceptor speaks first");
            assertEquals(-1, in.read(), "connection closed after garbage");
        }
    }

    /** Runs the real dialer handshake with the given (wrong) membership; returns why it failed. */
    private static Throwable dialAsRogue(InetSocketAddress address, Handshake.Membership rogue) throws Exception {
        EventLoopGroup group = EventLoops.newGroup(1);
        try {
            CompletableFuture<Void> handshake = new CompletableFuture<>();
            new Bootstrap().group(group).channel(EventLoops.socketChannel())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new DialerHandshake(rogue, 0, channel -> {}, handshake));
                        }
                    })
                    .connect(address).sync();
            ExecutionException e = assertThrows(ExecutionException.class, () -> handshake.get(10, TimeUnit.SECONDS));
            return e.getCause();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

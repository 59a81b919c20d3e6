package io.ringclip.comm.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.TransportCommunicator;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A listening port plus an event-loop group: bind first (so the port can be published to the
 * rendezvous), then {@link #connect} once the membership is known. Rank r dials every lower rank
 * and accepts every higher one; each connection runs the {@link Handshake} before anything else.
 * Connections that arrive before {@code connect} are refused (the dialer retries until its deadline).
 */
public final class NettyEndpoint implements AutoCloseable {

    /** First, so the cache setting lands before Netty's allocator initialises. */
    private static final ByteBufAllocator ALLOCATOR = CommBuffers.allocator();
    private static final System.Logger LOG = System.getLogger(NettyEndpoint.class.getName());
    private static final long HANDSHAKE_TIMEOUT_MS = 5_000;

    private final CommConfig config;
    private final EventLoopGroup group;
    private final Channel server;
    /** Every connection this endpoint made or accepted, closed with it. */
    private final ChannelGroup connections;
    private volatile NettyTransport connecting;

    private NettyEndpoint(CommConfig config, EventLoopGroup group, Channel server, ChannelGroup connections) {
        this.config = config;
        this.group = group;
        this.server = server;
        this.connections = connections;
    }

    /** Binds {@code listen} (port 0 picks a free port; see {@link #localAddress()}). */
    public static NettyEndpoint bind(CommConfig config, InetSocketAddress listen) {
        EventLoopGroup group = EventLoops.newGroup(config.ioThreads());
        NettyEndpoint[] self = new NettyEndpoint[1];
        ChannelGroup connections = new DefaultChannelGroup("ringclip-comm", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(EventLoops.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(config))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        configureSocket(ch, config);
                        connections.add(ch);
                        ch.pipeline().addLast("handshake", new AcceptorHandshake(() -> self[0].connecting, HANDSHAKE_TIMEOUT_MS));
                    }
                });
        if (config.socketBufferBytes() > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, config.socketBufferBytes());
        }
        ChannelFuture bound = bootstrap.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot listen: address=" + listen + ", cause=" + bound.cause(), bound.cause());
        }
        self[0] = new NettyEndpoint(config, group, bound.channel(), connections);
        return self[0];
    }

    /** True while {@link #connect} waits for peers (handshakes are only accepted then). */
    boolean awaitingPeers() {
        return connecting != null;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Connects to every peer of {@code membership} and returns a communicator; closing it leaves this endpoint open. */
    public Communicator connect(RendezvousResult membership) {
        return new TransportCommunicator(connectTransport(membership, () -> {}), membership.generation(), config);
    }

    NettyTransport connectTransport(RendezvousResult r, Runnable afterClose) {
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + config.connectTimeout().toNanos();
        Handshake.Membership membership = new Handshake.Membership(r.rank(), r.worldSize(), r.jobIdHash(),
                r.generation(), r.secret());
        int maxPayload = Math.max(Math.max(config.segmentBytes(), config.smallMessageThresholdBytes()), 4096);
        NettyTransport transport = new NettyTransport(membership, maxPayload, config.shmDir(), afterClose);
        connecting = transport;
        int peer = -1;
        try {
            for (peer = 0; peer < r.rank(); peer++) {
                dial(transport, peer, r.peers().get(peer), deadlineNanos);
            }
            peer = -1;
            transport.allAccepted().get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return transport;
        } catch (Exception e) {
            String reason = e instanceof TimeoutException
                    ? "timed out waiting for higher ranks to connect: connectTimeout=" + config.connectTimeout()
                    : String.valueOf(e instanceof ExecutionException ? e.getCause() : e);
            transport.abort("connect failed: " + reason);
            transport.close();
            throw new CollectiveException("connect", -1, r.rank(), peer, r.generation(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), reason, e);
        } finally {
            connecting = null;
        }
    }

    /** Connects and authenticates to {@code peer}, retrying (peer not up yet) until the deadline. */
    private void dial(NettyTransport transport, int peer, InetSocketAddress address, long deadlineNanos)
            throws InterruptedException, TimeoutException {
        long backoffMs = 20;
        Throwable last = null;
        while (System.nanoTime() < deadlineNanos) {
            CompletableFuture<Void> handshake = new CompletableFuture<>();
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(EventLoops.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOCATOR, ALLOCATOR)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(config))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            configureSocket(ch, config);
                            connections.add(ch);
                            ch.pipeline().addLast("handshake", new DialerHandshake(transport.membership(), peer,
                                    channel -> transport.attach(peer, channel), handshake));
                        }
                    });
            ChannelFuture connected = bootstrap.connect(address);
            try {
                long remaining = Math.max(1, deadlineNanos - System.nanoTime());
                if (!connected.await(remaining, TimeUnit.NANOSECONDS) || !connected.isSuccess()) {
                    throw new IllegalStateException("connect failed: " + connected.cause());
                }
                handshake.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException | IllegalStateException | TimeoutException e) {
                last = e instanceof ExecutionException ? e.getCause() : e;
                connected.channel().close();
                LOG.log(System.Logger.Level.DEBUG, "dial retry: peer={0}, address={1}, cause={2}", peer, address, last);
                Thread.sleep(Math.min(backoffMs, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()))));
                backoffMs = Math.min(backoffMs * 2, 500);
            }
        }
        throw new TimeoutException("could not connect to peer: peer=" + peer + ", address=" + address + ", lastError=" + last);
    }

    /**
     * Reads grow up to 1 MiB (Netty's default stops at 64 KiB), cut to whole frames by {@link
     * SteeredReads} (3 ring frames of 256 KiB). A frame inside one read is sliced out of it; the rest of
     * one split across reads is read straight into place. Read size after that change, n = 3, 64 MiB,
     * CPU per op of all ranks in 2 interleaved rounds: up to 640 KiB (2 frames) 187 / 158 ms, 1 MiB
     * 158 / 170, 2 MiB 158 / 155: within the noise, so 1 MiB stays (it won before split frames became
     * free, when larger reads split fewer frames but left a read's start out of the 1 MiB L2).
     */
    private static AdaptiveRecvByteBufAllocator receiveBuffers() {
        return new AdaptiveRecvByteBufAllocator(512, 64 * 1024, 1 << 20);
    }

    /**
     * Bytes queued in this process beyond what the socket took: an arrival-driven op stops adding its
     * own segments above two segments' worth and resumes below one, so the queue stays small while the
     * socket never runs dry (forwarded segments are always written: they are paced by arrivals).
     */
    private static WriteBufferWaterMark waterMark(CommConfig config) {
        int low = Math.max(32 * 1024, config.segmentBytes());
        return new WriteBufferWaterMark(low, 2 * low);
    }

    /** Per connection, accepted or dialled: its own read steering, and socket buffers if configured. */
    private static void configureSocket(SocketChannel ch, CommConfig config) {
        ch.config().setRecvByteBufAllocator(new SteeredReads(receiveBuffers()));
        if (config.socketBufferBytes() > 0) {
            ch.config().setSendBufferSize(config.socketBufferBytes());
            ch.config().setReceiveBufferSize(config.socketBufferBytes());
        }
    }

    /** Closes the port and every connection (peers see them drop), then stops the I/O threads. */
    @Override
    public void close() {
        server.close().awaitUninterruptibly(2_000);
        connections.close().awaitUninterruptibly(2_000);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}

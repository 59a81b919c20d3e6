package io.ringclip.comm.transport.netty;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.TransportCommunicator;
import java.net.InetSocketAddress;

/** Factories for communicators over Netty TCP. */
public final class NettyCommunicators {

    private NettyCommunicators() {}

    /**
     * Binds {@code listenPort} on all interfaces, connects to every peer in {@code membership}
     * (authenticating with its secret), and returns the communicator. Closing it also releases the
     * port and the event-loop threads. Blocks at most {@link CommConfig#connectTimeout()}.
     */
    public static Communicator connect(CommConfig config, RendezvousResult membership, int listenPort) {
        return connect(config, membership, new InetSocketAddress(listenPort));
    }

    /** As {@link #connect(CommConfig, RendezvousResult, int)}, listening on {@code listen}. */
    public static Communicator connect(CommConfig config, RendezvousResult membership, InetSocketAddress listen) {
        NettyEndpoint endpoint = NettyEndpoint.bind(config, listen);
        try {
            NettyTransport transport = endpoint.connectTransport(membership, endpoint::close);
            return new TransportCommunicator(transport, membership.generation(), config);
        } catch (RuntimeException e) {
            endpoint.close();
            throw e;
        }
    }

    /** Binds a port to publish before the membership is known; call {@link NettyEndpoint#connect} later. */
    public static NettyEndpoint bind(CommConfig config, InetSocketAddress listen) {
        return NettyEndpoint.bind(config, listen);
    }

    /** "epoll" or "nio": the event-loop implementation in use. */
    public static String ioMode() {
        return EventLoops.name();
    }
}

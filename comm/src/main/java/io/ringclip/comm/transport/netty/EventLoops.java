package io.ringclip.comm.transport.netty;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Native epoll where Netty can load it, NIO otherwise; the choice is made once and its reason logged. */
final class EventLoops {

    private static final System.Logger LOG = System.getLogger(EventLoops.class.getName());
    private static final boolean EPOLL = Boolean.parseBoolean(System.getProperty("ringclip.comm.epoll", "true"))
            && Epoll.isAvailable();

    static {
        if (!EPOLL) {
            LOG.log(System.Logger.Level.INFO, "comm transport uses NIO, not epoll: reason={0}",
                    Epoll.isAvailable() ? "disabled by -Dringclip.comm.epoll=false" : String.valueOf(Epoll.unavailabilityCause()));
        }
    }

    private EventLoops() {}

    static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    static MultiThreadIoEventLoopGroup newGroup(int threads) {
        IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}

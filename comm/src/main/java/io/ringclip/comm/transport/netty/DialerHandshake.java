package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Client side of {@link Handshake}: answers the acceptor's challenge with HELLO, then checks that
 * the acceptor proved the same secret in WELCOME before completing {@code result}.
 */
final class DialerHandshake extends ByteToMessageDecoder {

    private final Handshake.Membership membership;
    private final int expectedPeer;
    private final Consumer<Channel> onAuthenticated;
    private final CompletableFuture<Void> result;
    private final byte[] nonceB = Handshake.nonce();
    private byte[] nonceA;

    /** @param onAuthenticated installs the frame stages behind this handler, before it steps aside */
    DialerHandshake(Handshake.Membership membership, int expectedPeer, Consumer<Channel> onAuthenticated,
            CompletableFuture<Void> result) {
        this.membership = membership;
        this.expectedPeer = expectedPeer;
        this.onAuthenticated = onAuthenticated;
        this.result = result;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (result.isDone()) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (nonceA == null) {
            if (in.readableBytes() < Handshake.CHALLENGE_BYTES) {
                return;
            }
            String problem = Handshake.checkPreamble(in, Handshake.KIND_CHALLENGE);
            if (problem != null) {
                fail(ctx, in, problem);
                return;
            }
            nonceA = new byte[Handshake.NONCE_BYTES];
            in.readBytes(nonceA);
            ByteBuf hello = ctx.alloc().buffer(Handshake.HELLO_BYTES);
            Handshake.writePreamble(hello, Handshake.KIND_HELLO);
            hello.writeInt(membership.rank());
            hello.writeLong(membership.jobIdHash());
            hello.writeLong(membership.generation());
            hello.writeBytes(nonceB);
            hello.writeBytes(Handshake.helloMac(membership.secret(), nonceA, membership.rank(),
                    membership.jobIdHash(), membership.generation(), nonceB));
            ctx.writeAndFlush(hello);
        }
        if (in.readableBytes() < Handshake.WELCOME_BYTES) {
            return;
        }
        String problem = Handshake.checkPreamble(in, Handshake.KIND_WELCOME);
        if (problem != null) {
            fail(ctx, in, problem);
            return;
        }
        int acceptorRank = in.readInt();
        byte[] mac = new byte[Handshake.MAC_BYTES];
        in.readBytes(mac);
        byte[] expected = Handshake.welcomeMac(membership.secret(), nonceB, nonceA, acceptorRank,
                membership.jobIdHash(), membership.generation());
        if (acceptorRank != expectedPeer || !Handshake.macEquals(mac, expected)) {
            fail(ctx, in, "acceptor failed authentication: acceptorRank=" + acceptorRank + ", expectedRank=" + expectedPeer);
            return;
        }
        onAuthenticated.accept(ctx.channel());
        result.complete(null);
        ctx.pipeline().remove(this); // later bytes (frames) go to the frame decoder
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        result.completeExceptionally(new IllegalStateException(
                "connection closed during handshake (peer not ready, or it rejected our secret, job or generation)"));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        result.completeExceptionally(cause);
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        in.skipBytes(in.readableBytes());
        result.completeExceptionally(new IllegalStateException("handshake failed: " + reason));
        ctx.close();
    }
}

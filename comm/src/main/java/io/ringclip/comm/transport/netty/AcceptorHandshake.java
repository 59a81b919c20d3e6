package io.ringclip.comm.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Server side of {@link Handshake}: sends a challenge, reads exactly one HELLO, verifies job,
 * generation, rank and MAC, answers WELCOME and hands the channel to {@link NettyTransport#accepted}. Any
 * failure (garbage, wrong secret, wrong job or generation, a rank that should not dial us, no
 * membership yet, too slow) closes this connection with a log line; the job carries on.
 */
final class AcceptorHandshake extends ByteToMessageDecoder {

    private static final System.Logger LOG = System.getLogger(AcceptorHandshake.class.getName());

    private final Supplier<NettyTransport> currentLinks;
    private final long timeoutMillis;
    private final byte[] nonceA = Handshake.nonce();
    private ScheduledFuture<?> timeout;
    private boolean done;

    /** @param currentLinks the membership being connected right now, or null before rendezvous */
    AcceptorHandshake(Supplier<NettyTransport> currentLinks, long timeoutMillis) {
        this.currentLinks = currentLinks;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ByteBuf challenge = ctx.alloc().buffer(Handshake.CHALLENGE_BYTES);
        Handshake.writePreamble(challenge, Handshake.KIND_CHALLENGE);
        challenge.writeBytes(nonceA);
        ctx.writeAndFlush(challenge);
        timeout = ctx.executor().schedule(() -> reject(ctx, "handshake timed out: timeoutMs=" + timeoutMillis),
                timeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Handshake.HELLO_BYTES) {
            return;
        }
        String problem = Handshake.checkPreamble(in, Handshake.KIND_HELLO);
        if (problem != null) {
            in.skipBytes(in.readableBytes());
            reject(ctx, problem);
            return;
        }
        int dialerRank = in.readInt();
        long jobIdHash = in.readLong();
        long generation = in.readLong();
        byte[] nonceB = new byte[Handshake.NONCE_BYTES];
        in.readBytes(nonceB);
        byte[] mac = new byte[Handshake.MAC_BYTES];
        in.readBytes(mac);
        NettyTransport links = currentLinks.get();
        if (links == null) {
            in.skipBytes(in.readableBytes());
            reject(ctx, "no membership yet (peer dialled before rendezvous finished here)");
            return;
        }
        Handshake.Membership m = links.membership();
        if (!Handshake.macEquals(mac, Handshake.helloMac(m.secret(), nonceA, dialerRank, jobIdHash, generation, nonceB))) {
            in.skipBytes(in.readableBytes());
            reject(ctx, "authentication failed: bad HMAC (wrong job secret?)");
            return;
        }
        if (jobIdHash != m.jobIdHash() || generation != m.generation()) {
            in.skipBytes(in.readableBytes());
            reject(ctx, "wrong job or generation: jobIdHash=0x" + Long.toHexString(jobIdHash) + ", generation="
                    + generation + ", expectedGeneration=" + m.generation());
            return;
        }
        if (dialerRank <= m.rank() || dialerRank >= m.worldSize()) {
            in.skipBytes(in.readableBytes());
            reject(ctx, "rank may not dial here: dialerRank=" + dialerRank + ", rank=" + m.rank());
            return;
        }
        done = true;
        timeout.cancel(false);
        ByteBuf welcome = ctx.alloc().buffer(Handshake.WELCOME_BYTES);
        Handshake.writePreamble(welcome, Handshake.KIND_WELCOME);
        welcome.writeInt(m.rank());
        welcome.writeBytes(Handshake.welcomeMac(m.secret(), nonceB, nonceA, m.rank(), m.jobIdHash(), m.generation()));
        ctx.writeAndFlush(welcome);
        if (!links.accepted(dialerRank, ctx.channel())) {
            reject(ctx, "duplicate connection: dialerRank=" + dialerRank);
            return;
        }
        ctx.pipeline().remove(this); // later bytes (frames) go to the frame decoder
    }

    private void reject(ChannelHandlerContext ctx, String reason) {
        done = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        LOG.log(System.Logger.Level.WARNING, "rejected connection: remote={0}, reason={1}",
                ctx.channel().remoteAddress(), reason);
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        reject(ctx, "error during handshake: " + cause);
    }
}

package io.ringclip.comm.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.ringclip.comm.transport.TransportException;
import java.nio.charset.StandardCharsets;

/**
 * Last stage of an authenticated connection to {@code peer}: DATA frames go to the running
 * arrival-driven op or to the mailbox (which then own them), ABORT and BYE change the link's state,
 * lane offers, replies and credits drive its shared-memory lane, and a broken connection or a corrupt
 * stream fails the whole transport.
 */
final class InboundFrameHandler extends SimpleChannelInboundHandler<InboundFrame> {

    private final int peer;
    private final NettyTransport transport;
    private boolean goodbyeReceived;

    InboundFrameHandler(int peer, NettyTransport transport) {
        super(InboundFrame.class, false); // we release: DATA frames travel on to the op thread
        this.peer = peer;
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, InboundFrame frame) {
        switch (frame.kind()) {
            case FrameHeader.KIND_DATA -> transport.deliver(peer, frame);
            case FrameHeader.KIND_LANE_OFFER -> transport.laneOffered(peer, frame);
            case FrameHeader.KIND_LANE_REPLY -> transport.laneReplied(peer, frame);
            case FrameHeader.KIND_LANE_CREDIT -> {
                frame.close();
                transport.roomAgain(peer);
            }
            case FrameHeader.KIND_ABORT -> {
                String reason = frame.content().toString(StandardCharsets.UTF_8);
                frame.close();
                transport.linkFailed(new TransportException(TransportException.Kind.PEER_ABORTED, peer,
                        "peer aborted: peer=" + peer + ", peerReason=" + reason));
            }
            default -> { // BYE
                frame.close();
                goodbyeReceived = true;
                transport.peerSaidGoodbye(peer);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            transport.roomAgain(peer);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!goodbyeReceived) {
            transport.linkFailed(new TransportException(TransportException.Kind.PEER_LOST, peer,
                    "connection to peer lost: peer=" + peer + ", remote=" + ctx.channel().remoteAddress()));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        TransportException.Kind kind = cause instanceof DecoderException
                ? TransportException.Kind.MALFORMED : TransportException.Kind.PEER_LOST;
        String what = cause instanceof DecoderException && cause.getMessage() != null ? cause.getMessage() : cause.toString();
        transport.linkFailed(new TransportException(kind, peer, "link to peer failed: peer=" + peer + ", " + what, cause));
        ctx.close();
    }
}

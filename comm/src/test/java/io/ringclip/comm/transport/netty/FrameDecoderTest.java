package io.ringclip.comm.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.ringclip.comm.transport.TransportException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frame codec on an {@link EmbeddedChannel}: literal bytes in, frames or a dead stream out. */
class FrameDecoderTest {

    private static final long JOB = 0x1122334455667788L;
    private static final long GENERATION = 3;

    private static EmbeddedChannel decoder() {
        return new EmbeddedChannel(new FrameDecoder(JOB, GENERATION, 1024));
    }

    /** The example frame drawn in {@link FrameHeader}'s javadoc, byte for byte. */
    private static final String EXAMPLE_FRAME_HEX =
            "52434c50" + "01010100" + "1122334455667788" + "0000000000000003"
                    + "0000000000000005" + "00000000" + "00000008" + "0000803f" + "00000040";

    @Test
    void encodesTheDocumentedExampleFrame() {
        ByteBuf out = Unpooled.buffer();
        FrameHeader.write(out, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 5, 0, 8);
        out.writeFloatLE(1.0f).writeFloatLE(2.0f);
        assertEquals(EXAMPLE_FRAME_HEX, ByteBufUtil.hexDump(out));
        out.release();
    }

    @Test
    void decodesAFrameDeliveredOneByteAtATime() {
        EmbeddedChannel ch = decoder();
        byte[] bytes = ByteBufUtil.decodeHexDump(EXAMPLE_FRAME_HEX);
        for (int i = 0; i < bytes.length - 1; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]}));
            assertNull(ch.readInbound(), "no frame before the last byte: i=" + i);
        }
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[bytes.length - 1]}));
        InboundFrame frame = ch.readInbound();
        try {
            assertEquals(FrameHeader.KIND_DATA, frame.kind());
            assertEquals(1, frame.dtype());
            assertEquals(5, frame.opSeq());
            assertEquals(0, frame.segmentIndex());
            ByteBuffer payload = frame.payload();
            assertEquals(8, payload.remaining());
            assertEquals(1.0f, payload.getFloat(0));
            assertEquals(2.0f, payload.getFloat(4));
        } finally {
            frame.close();
        }
        assertFalse(ch.finish());
    }

    @Test
    void decodesBackToBackFramesFromOneRead() {
        ByteBuf in = Unpooled.buffer();
        for (int seg = 0; seg < 3; seg++) {
            FrameHeader.write(in, FrameHeader.KIND_DATA, 2, JOB, GENERATION, 9, seg, 2);
            in.writeShortLE(seg);
        }
        FrameHeader.write(in, FrameHeader.KIND_BYE, 0, JOB, GENERATION, -1, 0, 0);
        EmbeddedChannel ch = decoder();
        ch.writeInbound(in);
        for (int seg = 0; seg < 3; seg++) {
            InboundFrame f = ch.readInbound();
            assertEquals(seg, f.segmentIndex());
            assertEquals(seg, f.payload().getShort(0));
            f.close();
        }
        InboundFrame bye = ch.readInbound();
        assertEquals(FrameHeader.KIND_BYE, bye.kind());
        bye.close();
        assertFalse(ch.finish());
    }

    /** Three 400-byte frames cut into two reads at every 37th byte: headers and payloads split anywhere. */
    @Test
    void decodesFramesSplitAcrossReadsAtAnyPoint() {
        ByteBuf stream = Unpooled.buffer();
        for (int seg = 0; seg < 3; seg++) {
            FrameHeader.write(stream, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 7, seg, 400);
            for (int i = 0; i < 100; i++) {
                stream.writeFloatLE(seg * 1000 + i);
            }
        }
        byte[] all = ByteBufUtil.getBytes(stream);
        stream.release();
        for (int cut = 1; cut < all.length; cut += 37) {
            EmbeddedChannel ch = decoder();
            ByteBuf first = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(all, 0, cut);
            ByteBuf second = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(all, cut, all.length - cut);
            ch.writeInbound(first);
            ch.writeInbound(second);
            for (int seg = 0; seg < 3; seg++) {
                InboundFrame f = ch.readInbound();
                try {
                    assertEquals(seg, f.segmentIndex(), "cut=" + cut);
                    ByteBuffer payload = f.payload();
                    assertEquals(400, payload.remaining());
                    for (int i = 0; i < 100; i++) {
                        assertEquals(seg * 1000 + i, payload.getFloat(4 * i), "cut=" + cut + ", seg=" + seg + ", i=" + i);
                    }
                } finally {
                    f.close();
                }
            }
            assertFalse(ch.finish());
            assertEquals(0, first.refCnt(), "first read released: cut=" + cut);
            assertEquals(0, second.refCnt(), "second read released: cut=" + cut);
        }
    }

    /**
     * A payload split across reads is completed by the channel's next reads, steered into place (short
     * reads included): behind its first part in the same read buffer when that has room (nothing copied,
     * the payload is one slice of that buffer), else in a buffer of its own (only the first part copied).
     * After the frame, reads get normal buffers again, sized in whole frames, and the next frame decodes.
     */
    @ParameterizedTest
    @ValueSource(ints = {140, 1024})
    void theRestOfASplitPayloadIsReadStraightIntoPlace(int firstReadCapacity) {
        SteeredReads reads = new SteeredReads(new AdaptiveRecvByteBufAllocator(512, 4096, 65536));
        FrameDecoder decoder = new FrameDecoder(JOB, GENERATION, 1024, reads);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        RecvByteBufAllocator.Handle handle = reads.newHandle();
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        boolean roomInFirstRead = firstReadCapacity >= FrameHeader.BYTES + 400;

        ByteBuf first = alloc.directBuffer(firstReadCapacity, firstReadCapacity);
        FrameHeader.write(first, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 7, 4, 400);
        for (int i = 0; i < 25; i++) {
            first.writeFloatLE(i);
        }
        ch.writeInbound(first);
        assertNull(ch.readInbound());

        int next = 25;
        for (int readSize : new int[] {120, 180}) { // a short read, then the rest
            ByteBuf read = handle.allocate(alloc);
            assertEquals(400 - 4 * next, read.writableBytes(), "asks for exactly the missing bytes");
            for (int i = 0; i < readSize / 4; i++) {
                read.writeFloatLE(next++);
            }
            assertTrue(reads.landedInPlace(read));
            ch.writeInbound(read);
        }
        InboundFrame frame = ch.readInbound();
        try {
            assertEquals(4, frame.segmentIndex());
            ByteBuffer payload = frame.payload();
            assertEquals(400, payload.remaining());
            for (int i = 0; i < 100; i++) {
                assertEquals(i, payload.getFloat(4 * i), "i=" + i);
            }
            if (roomInFirstRead) {
                assertEquals(first.memoryAddress() + FrameHeader.BYTES, frame.content().memoryAddress(),
                        "the payload is a slice of the first read's buffer");
            }
        } finally {
            frame.close();
        }
        assertEquals(roomInFirstRead ? 0 : 100, decoder.gatheredByCopy(), "bytes copied");

        ByteBuf normal = handle.allocate(alloc);
        assertFalse(reads.landedInPlace(normal));
        assertEquals(9 * (FrameHeader.BYTES + 400), normal.writableBytes(),
                "the allocator's 4096 bytes cut to whole frames of the last size");
        FrameHeader.write(normal, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 7, 5, 4);
        normal.writeFloatLE(42f);
        ch.writeInbound(normal);
        InboundFrame after = ch.readInbound();
        assertEquals(5, after.segmentIndex());
        assertEquals(42f, after.payload().getFloat(0));
        after.close();
        assertFalse(ch.finish());
        assertEquals(0, first.refCnt());
    }

    /** A connection that closes in the middle of a payload frees what was gathered of it. */
    @Test
    void releasesAPartlyGatheredPayloadWhenTheConnectionCloses() {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer();
        FrameHeader.write(in, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 0, 0, 400);
        in.writeZero(100);
        EmbeddedChannel ch = decoder();
        ch.writeInbound(in);
        assertNull(ch.readInbound());
        assertEquals(0, in.refCnt(), "the read was copied aside and released");
        assertFalse(ch.finish()); // LeakFailingExtension fails the test if the gathered buffer leaked
    }

    /** The same when the payload was being completed inside its read buffer: the decoder's hold on it ends. */
    @Test
    void releasesAReadBufferHeldForAPayloadCompletedInPlaceWhenTheConnectionCloses() {
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(1024, 1024);
        FrameHeader.write(in, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 0, 0, 400);
        in.writeZero(100);
        SteeredReads reads = new SteeredReads(new AdaptiveRecvByteBufAllocator());
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(JOB, GENERATION, 1024, reads));
        ch.writeInbound(in);
        assertNull(ch.readInbound());
        assertEquals(1, in.refCnt(), "held by the decoder: the rest of the payload is to be read behind it");
        assertFalse(ch.finish());
        assertEquals(0, in.refCnt(), "released with the connection");
    }

    @Test
    void rejectsBadMagicAndThenIgnoresTheRestOfTheStream() {
        EmbeddedChannel ch = decoder();
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[64]);
        CorruptedFrameException e = assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(garbage));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
        ch.writeInbound(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(EXAMPLE_FRAME_HEX)));
        assertNull(ch.readInbound(), "a corrupt stream yields nothing more");
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsFramesOfAnotherJobOrGeneration() {
        for (long[] jobAndGeneration : new long[][] {{JOB + 1, GENERATION}, {JOB, GENERATION + 1}}) {
            ByteBuf in = Unpooled.buffer();
            FrameHeader.write(in, FrameHeader.KIND_DATA, 1, jobAndGeneration[0], jobAndGeneration[1], 0, 0, 4);
            in.writeFloatLE(1f);
            EmbeddedChannel ch = decoder();
            CorruptedFrameException e = assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(in));
            assertTrue(e.getMessage().contains("another"), e.getMessage());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void rejectsOversizedLengthsUnknownKindsAndVersionsBeforeBufferingAPayload() {
        ByteBuf huge = Unpooled.buffer();
        FrameHeader.write(huge, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 0, 0, Integer.MAX_VALUE);
        EmbeddedChannel a = decoder();
        assertTrue(assertThrows(CorruptedFrameException.class, () -> a.writeInbound(huge)).getMessage().contains("length"));
        a.finishAndReleaseAll();

        ByteBuf kind = Unpooled.buffer();
        FrameHeader.write(kind, (byte) 9, 1, JOB, GENERATION, 0, 0, 0);
        EmbeddedChannel b = decoder();
        assertTrue(assertThrows(CorruptedFrameException.class, () -> b.writeInbound(kind)).getMessage().contains("kind"));
        b.finishAndReleaseAll();

        ByteBuf version = Unpooled.buffer();
        FrameHeader.write(version, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 0, 0, 0);
        version.setByte(FrameHeader.VERSION_OFFSET, 2);
        EmbeddedChannel c = decoder();
        assertTrue(assertThrows(CorruptedFrameException.class, () -> c.writeInbound(version)).getMessage().contains("version"));
        c.finishAndReleaseAll();
    }

    /** A DATA_SHM descriptor comes out as an ordinary DATA frame over the lane slot it names. */
    @Test
    void aSharedMemoryDescriptorBecomesADataFrameOverItsSlot(@TempDir Path dir) throws Exception {
        String name = ShmLane.fileName(JOB, GENERATION, 1, 0, 77);
        ShmLane sender = ShmLane.create(dir, name, 77, 4, 4096);
        FrameDecoder frames = new FrameDecoder(JOB, GENERATION, 1024);
        frames.useLane(ShmLane.open(dir, name, 77, 4, 4096));
        EmbeddedChannel ch = new EmbeddedChannel(frames);
        int slot = sender.claim(8);
        sender.slot(slot, 8).putFloat(1f).putFloat(2f);

        ch.writeInbound(descriptor(slot, 8));
        InboundFrame frame = ch.readInbound();
        assertEquals(FrameHeader.KIND_DATA, frame.kind());
        assertEquals(9, frame.opSeq());
        assertEquals(2f, frame.payload().getFloat(4));
        assertEquals(1, sender.busySlots());
        frame.close();
        assertEquals(0, sender.busySlots(), "releasing the frame frees the slot");

        CorruptedFrameException free = assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(descriptor(slot, 8)));
        assertTrue(free.getMessage().contains("free slot"), free.getMessage());
        ch.finishAndReleaseAll();
        sender.release();
    }

    @Test
    void aSharedMemoryDescriptorOnALinkWithoutALaneIsCorrupt() {
        EmbeddedChannel ch = decoder();
        CorruptedFrameException e = assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(descriptor(0, 8)));
        assertTrue(e.getMessage().contains("without a lane"), e.getMessage());
        ch.finishAndReleaseAll();
    }

    private static ByteBuf descriptor(int slot, int bytes) {
        ByteBuf in = Unpooled.buffer();
        FrameHeader.write(in, FrameHeader.KIND_DATA_SHM, 1, JOB, GENERATION, 9, 0, FrameHeader.SHM_DESCRIPTOR_BYTES);
        return in.writeInt(slot).writeInt(bytes);
    }

    /** A corrupt stream on a live link fails the whole transport as MALFORMED, naming the peer. */
    @Test
    void corruptStreamFailsTheTransportAsMalformed() {
        Handshake.Membership m = new Handshake.Membership(0, 3, JOB, GENERATION, NettyCluster.SECRET);
        NettyTransport transport = new NettyTransport(m, 1024, null, () -> {});
        EmbeddedChannel ch = new EmbeddedChannel();
        transport.attach(2, ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
                18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40}));
        TransportException failure = transport.failure();
        assertInstanceOf(TransportException.class, failure);
        assertEquals(TransportException.Kind.MALFORMED, failure.kind());
        assertEquals(2, failure.peer());
        assertFalse(ch.isOpen(), "the corrupt link is closed");
        ch.finishAndReleaseAll();
    }

    /** DATA frames that arrive after the transport failed are released, not kept. */
    @Test
    void framesArrivingAfterFailureAreReleased() {
        Handshake.Membership m = new Handshake.Membership(0, 2, JOB, GENERATION, NettyCluster.SECRET);
        NettyTransport transport = new NettyTransport(m, 1024, null, () -> {});
        EmbeddedChannel ch = new EmbeddedChannel();
        transport.attach(1, ch);
        transport.mailbox().fail(new TransportException(TransportException.Kind.LOCAL_ABORT, -1, "test"));
        ByteBuf in = Unpooled.directBuffer();
        FrameHeader.write(in, FrameHeader.KIND_DATA, 1, JOB, GENERATION, 0, 0, 4);
        in.writeFloatLE(1f);
        ch.writeInbound(in);
        assertEquals(0, in.refCnt(), "cumulation and payload slice released");
        ch.finishAndReleaseAll();
    }
}

package io.ringclip.comm.transport.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One lane mapped twice in this process, once as the sender creates it and once as the receiver
 * opens it: the two mappings share the file's pages exactly as two processes do.
 */
class ShmLaneTest {

    private static final int SLOTS = 4;
    private static final int SLOT_BYTES = 4096;

    @TempDir
    Path dir;
    private final List<ShmLane> mapped = new ArrayList<>();

    private ShmLane[] senderAndReceiver(long nonce) throws IOException {
        String name = ShmLane.fileName(0xabcL, 2, 0, 1, nonce);
        ShmLane sender = ShmLane.create(dir, name, nonce, SLOTS, SLOT_BYTES);
        ShmLane receiver = ShmLane.open(dir, name, nonce, SLOTS, SLOT_BYTES);
        mapped.add(sender);
        mapped.add(receiver);
        return new ShmLane[] {sender, receiver};
    }

    @AfterEach
    void unmapEverything() {
        mapped.forEach(ShmLane::release);
    }

    @Test
    void theReceiverUnmapsOnlyOnceTheLastPayloadItHandedOutIsReleased() throws IOException {
        ShmLane[] lane = senderAndReceiver(21);
        int slot = lane[0].claim(SLOT_BYTES);
        lane[0].slot(slot, 4).putFloat(3f);
        ByteBuf held = lane[1].take(slot, 4);

        lane[1].release(); // the link closed while an op still holds a payload
        assertFalse(lane[1].unmapped());
        assertEquals(3f, held.nioBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0), "still readable");
        held.release();
        assertTrue(lane[1].unmapped(), "unmapped with the last payload");

        lane[0].release();
        assertTrue(lane[0].unmapped(), "the sender unmaps at once");
        assertThrows(IllegalStateException.class, () -> lane[0].claim(SLOT_BYTES), "no access after unmapping");
    }

    @Test
    void aPayloadWrittenBySenderIsReadInPlaceAndItsSlotFreedOnRelease() throws IOException {
        ShmLane[] lane = senderAndReceiver(42);
        int slot = lane[0].claim(SLOT_BYTES);
        lane[0].slot(slot, 8).putFloat(1.5f).putFloat(-2f);
        assertEquals(1, lane[0].busySlots());

        ByteBuf payload = lane[1].take(slot, 8);
        assertEquals(8, payload.readableBytes());
        assertEquals(1.5f, payload.nioBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
        payload.nioBuffer().order(ByteOrder.LITTLE_ENDIAN).putFloat(4, 7f); // an in-place reduce
        assertEquals(7f, lane[0].slot(slot, 8).getFloat(4), "the receiver writes the shared bytes");

        ByteBuf slice = payload.retainedSlice(0, 4); // e.g. held by a write still in flight
        payload.release();
        assertEquals(1, lane[0].busySlots(), "a slice still holds the slot");
        slice.release();
        assertEquals(0, lane[0].busySlots());
    }

    @Test
    void claimFindsNoSlotWhenAllAreBusyAndAFreedOneIsReused() throws IOException {
        ShmLane[] lane = senderAndReceiver(7);
        assertEquals(-1, lane[0].claim(SLOT_BYTES + 1), "a payload larger than a slot goes inline");
        int[] claimed = new int[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            claimed[i] = lane[0].claim(SLOT_BYTES);
        }
        assertEquals(-1, lane[0].claim(SLOT_BYTES));
        lane[1].take(claimed[2], 0).release();
        assertEquals(claimed[2], lane[0].claim(SLOT_BYTES));
    }

    @Test
    void aWaitingSenderIsRungOnceTheReceiverFreesASlot() throws IOException {
        ShmLane[] lane = senderAndReceiver(9);
        AtomicInteger rings = new AtomicInteger();
        lane[1].onSenderWaiting(rings::incrementAndGet);
        assertTrue(lane[0].roomOrWait(SLOTS - 1), "all free");
        int first = lane[0].claim(SLOT_BYTES);
        for (int i = 1; i < SLOTS; i++) {
            lane[0].claim(SLOT_BYTES);
        }
        ByteBuf held = lane[1].take(first, 16);
        assertFalse(lane[0].roomOrWait(0), "no free slot");
        assertEquals(0, rings.get());
        held.release();
        assertEquals(1, rings.get(), "the free saw the waiting flag");
        assertTrue(lane[0].roomOrWait(0));
    }

    @Test
    void theReceiverRejectsDescriptorsOutOfRangeOrNamingAFreeSlot() throws IOException {
        ShmLane[] lane = senderAndReceiver(11);
        assertThrows(IllegalArgumentException.class, () -> lane[1].take(SLOTS, 4));
        assertThrows(IllegalArgumentException.class, () -> lane[1].take(-1, 4));
        int slot = lane[0].claim(SLOT_BYTES);
        assertThrows(IllegalArgumentException.class, () -> lane[1].take(slot, SLOT_BYTES + 1));
        int free = (slot + 1) % SLOTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lane[1].take(free, 4));
        assertTrue(e.getMessage().contains("free slot"), e.getMessage());
    }

    @Test
    void openRefusesOtherNamesAnotherNonceTheWrongGeometryAndSymlinks() throws IOException {
        long nonce = 5;
        String name = ShmLane.fileName(1, 1, 0, 1, nonce);
        mapped.add(ShmLane.create(dir, name, nonce, SLOTS, SLOT_BYTES));
        assertThrows(IOException.class, () -> ShmLane.open(dir, "../" + dir.getFileName() + "/" + name, nonce, SLOTS, SLOT_BYTES));
        assertThrows(IOException.class, () -> ShmLane.open(dir, "passwd", nonce, SLOTS, SLOT_BYTES));
        assertThrows(IOException.class, () -> ShmLane.open(dir, name, nonce + 1, SLOTS, SLOT_BYTES));
        assertThrows(IOException.class, () -> ShmLane.open(dir, name, nonce, SLOTS * 2, SLOT_BYTES));

        String link = ShmLane.fileName(1, 1, 0, 2, nonce);
        Files.createSymbolicLink(dir.resolve(link), dir.resolve(name));
        assertThrows(IOException.class, () -> ShmLane.open(dir, link, nonce, SLOTS, SLOT_BYTES));
    }

    @Test
    void unlinkRemovesTheFileWhileBothMappingsStayUsable() throws IOException {
        ShmLane[] lane = senderAndReceiver(13);
        lane[1].unlink();
        lane[0].unlink(); // idempotent
        assertFalse(Files.exists(lane[0].file()));
        int slot = lane[0].claim(SLOT_BYTES);
        lane[0].slot(slot, 4).putInt(0x01020304);
        ByteBuf payload = lane[1].take(slot, 4);
        assertEquals(0x01020304, payload.getIntLE(0));
        payload.release();
        assertNotEquals(-1, lane[0].claim(SLOT_BYTES));
    }
}

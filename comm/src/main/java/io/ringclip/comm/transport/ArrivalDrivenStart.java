package io.ringclip.comm.transport;

import java.util.List;
import java.util.function.Consumer;

/**
 * The start of an arrival-driven op, shared by the transports: runs on the delivery thread right
 * after the op was published as the active one. A failure the transport recorded before fails the
 * op at once; otherwise the op starts, gets the messages of its op sequence that arrived before it
 * was active, and learns which peers said goodbye before it started (they send no more).
 */
public final class ArrivalDrivenStart {

    /** How the transport hands one message to the op (and fails the transport if the op throws). */
    public interface Dispatch {
        void dispatch(ArrivalDriven op, int peer, int index, Received message);
    }

    private ArrivalDrivenStart() {}

    /**
     * @param early       the op's messages taken out of {@code mailbox} when it was published; this
     *                    method owns them (closes those the op does not take)
     * @param startFailed what the transport does when {@link ArrivalDriven#start} throws
     */
    public static void begin(ArrivalDriven op, Mailbox mailbox, List<Mailbox.Held> early, int rank,
            Dispatch dispatch, Consumer<RuntimeException> startFailed) {
        TransportException failure = mailbox.failure();
        if (failure != null) {
            early.forEach(h -> h.message().close());
            op.fail(failure);
            return;
        }
        try {
            op.start();
        } catch (RuntimeException e) {
            early.forEach(h -> h.message().close());
            startFailed.accept(e);
            return;
        }
        for (Mailbox.Held h : early) {
            if (op.finished()) {
                h.message().close();
            } else {
                dispatch.dispatch(op, h.peer(), h.index(), h.message());
            }
        }
        for (int peer = 0; peer < mailbox.worldSize() && !op.finished(); peer++) {
            if (peer != rank && mailbox.hasClosed(peer)) {
                op.peerClosed(peer);
            }
        }
    }
}

package io.ringclip.comm.transport;

/**
 * Names one message on one link (sender to receiver).
 *
 * @param opSeq sequence number of the collective operation on this communicator (0, 1, 2, ...)
 * @param index ordinal of this message among the messages of that operation on that link; sender
 *     and receiver count them the same way because the schedule is deterministic
 * @param dtype wire element type code ({@link io.ringclip.comm.WireFormat#code()}), checked on receipt
 */
public record Tag(long opSeq, int index, int dtype) {}

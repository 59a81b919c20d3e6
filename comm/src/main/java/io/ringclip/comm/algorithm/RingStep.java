package io.ringclip.comm.algorithm;

/**
 * One ring step for one rank: the chunk it sends to its successor and the chunk it receives from
 * its predecessor, with absolute offsets and lengths in elements.
 */
public record RingStep(int sendChunk, int sendOffset, int sendLength, int recvChunk, int recvOffset, int recvLength) {}

package io.ringclip.models.model;

/**
 * Told by {@link ForwardPass#backward} as soon as a contiguous range of the gradient arena holds its
 * final value for this step (after each residual block, each tower's head and stem). Ranges arrive in
 * descending offset order and together cover the whole arena exactly once, so a trainer can launch
 * allreduce buckets while backward continues. Called on the backward thread: return quickly.
 */
@FunctionalInterface
public interface GradientReadyListener {

    GradientReadyListener NONE = (offset, length) -> { };

    void ready(int arenaOffset, int length);
}

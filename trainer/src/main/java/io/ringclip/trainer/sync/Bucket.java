package io.ringclip.trainer.sync;

/** A contiguous slice {@code [from, to)} of the gradient arena that is allreduced as one message. */
public record Bucket(int index, int from, int to) {

    public int length() {
        return to - from;
    }
}

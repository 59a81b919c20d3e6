package io.ringclip.trainer.loop;

/**
 * One micro-batch as the step consumes it: {@code images} [size, C, H, W] normalised float32,
 * {@code tokens} [size, T] token ids. Made from a data-loader batch by the worker.
 */
public record StepInput(float[] images, int[] tokens, int size) {

    public StepInput {
        if (size < 1) {
            throw new IllegalArgumentException("micro-batch must not be empty: size=" + size);
        }
    }
}

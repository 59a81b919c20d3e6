package io.ringclip.trainer.data;

import java.util.List;

/**
 * A random-access dataset of (image, caption, label) examples. Implementations must allow
 * concurrent {@link #get} calls from the loader's decode threads.
 *
 * <p>{@link #get} throws {@link BadSampleException} for an item that cannot be used; the loader
 * skips it. {@link #caption} exists so a caption corpus can be built without touching images.
 */
public interface DataSource extends AutoCloseable {

    /** Number of examples, including any bad ones. */
    int size();

    /** The example at {@code index} in {@code [0, size())}. */
    Example get(int index);

    /** The caption of example {@code index}; may be cheaper than {@code get(index).caption()}. */
    default String caption(int index) {
        return get(index).caption();
    }

    /** Class names indexed by label, or empty when the dataset has no classes. */
    default List<String> classNames() {
        return List.of();
    }

    /** Zero-shot prompt templates with a {@code {}} placeholder for the class name. */
    default List<String> promptTemplates() {
        return List.of("a photo of a {}.");
    }

    /** A short human-readable description for logs and reports. */
    String describe();

    @Override
    default void close() {}
}

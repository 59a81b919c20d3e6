package io.ringclip.trainer.data;

/**
 * A dataset item that cannot be used (corrupt image, malformed row, missing caption). The loader
 * counts it, logs a warning and deterministically substitutes the next dataset index.
 */
public final class BadSampleException extends RuntimeException {

    public BadSampleException(String message) {
        super(message);
    }

    public BadSampleException(String message, Throwable cause) {
        super(message, cause);
    }
}

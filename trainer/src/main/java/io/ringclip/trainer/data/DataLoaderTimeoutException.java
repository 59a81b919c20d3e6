package io.ringclip.trainer.data;

/** {@link DataLoader#next()} waited longer than {@link LoaderOptions#nextTimeout()} for a batch. */
public final class DataLoaderTimeoutException extends RuntimeException {

    public DataLoaderTimeoutException(String message) {
        super(message);
    }
}

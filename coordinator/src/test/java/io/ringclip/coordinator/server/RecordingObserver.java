package io.ringclip.coordinator.server;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** Keeps everything a stream delivered, for assertions. Thread-safe. */
final class RecordingObserver<T> implements StreamObserver<T> {

    private final List<T> values = new ArrayList<>();
    private Throwable error;
    private boolean completed;

    @Override
    public synchronized void onNext(T value) {
        values.add(value);
    }

    @Override
    public synchronized void onError(Throwable t) {
        error = t;
    }

    @Override
    public synchronized void onCompleted() {
        completed = true;
    }

    synchronized List<T> values() {
        return List.copyOf(values);
    }

    synchronized T last() {
        return values.getLast();
    }

    synchronized Throwable error() {
        return error;
    }

    synchronized boolean completed() {
        return completed;
    }
}

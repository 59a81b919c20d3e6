package io.ringclip.coordinator.job;

import io.ringclip.coordinator.api.JournalRecord;

/** Where the job table writes each change before applying it; {@link #NONE} keeps nothing. */
public interface Journal extends AutoCloseable {

    /** Appends one record durably: when this returns, the record survives a crash. */
    void append(JournalRecord record);

    @Override
    void close();

    Journal NONE = new Journal() {
        @Override
        public void append(JournalRecord record) {}

        @Override
        public void close() {}
    };
}

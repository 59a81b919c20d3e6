package io.ringclip.coordinator.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.ringclip.coordinator.api.JournalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * An append-only journal of {@link JournalRecord}s in {@code <dir>/jobs.jsonl}: one record per
 * line, protobuf JSON without whitespace, UTF-8, each line ended by {@code '\n'}:
 *
 * <pre>
 * {"timeUnixMs":"1767225600000","jobSubmitted":{"jobId":"clip-1","spec":{"name":"clip",...}}}\n
 * {"timeUnixMs":"1767225601000","jobStateChanged":{"jobId":"clip-1","state":"JOB_STATE_WAITING"}}\n
 * </pre>
 *
 * <p>Every append is one write of the whole line followed by {@code fsync}. A crash can therefore
 * leave only the last line incomplete (no newline, or unparsable): {@link #open} drops such a torn
 * tail and truncates the file to the last complete record. An unparsable line before the last one
 * is corruption, not a torn write, and fails loudly.
 */
public final class FileJournal implements Journal {

    private static final Logger LOG = Logger.getLogger(FileJournal.class.getName());
    public static final String FILE_NAME = "jobs.jsonl";

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final Path file;
    private final FileChannel channel;
    private final List<JournalRecord> recovered;

    private FileJournal(Path file, FileChannel channel, List<JournalRecord> recovered) {
        this.file = file;
        this.channel = channel;
        this.recovered = recovered;
    }

    /** Opens (creating if needed) the journal in {@code dir}, reading back what it holds. */
    public static FileJournal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            byte[] bytes = Files.readAllBytes(file);
            List<JournalRecord> records = new ArrayList<>();
            long goodEnd = parse(file, bytes, records);
            if (goodEnd < bytes.length) {
                LOG.warning("journal: dropping torn last record, file=" + file + ", torn_bytes=" + (bytes.length - goodEnd)
                        + ", records=" + records.size());
                channel.truncate(goodEnd);
                channel.force(true);
            }
            channel.position(goodEnd);
            return new FileJournal(file, channel, List.copyOf(records));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Parses complete lines into {@code out}; returns the byte offset just after the last good one. */
    private static long parse(Path file, byte[] bytes, List<JournalRecord> out) throws IOException {
        int lineStart = 0;
        int lineNumber = 0;
        while (lineStart < bytes.length) {
            lineNumber++;
            int newline = indexOf(bytes, (byte) '\n', lineStart);
            if (newline < 0) {
                return lineStart; // no newline: the append never finished
            }
            String line = new String(bytes, lineStart, newline - lineStart, StandardCharsets.UTF_8);
            try {
                JournalRecord.Builder record = JournalRecord.newBuilder();
                PARSER.merge(line, record);
                out.add(record.build());
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                if (newline == bytes.length - 1) {
                    return lineStart; // the last line is garbage: a torn write
                }
                throw new IOException("journal corrupt before its last record: file=" + file + ", line=" + lineNumber
                        + ", cause=" + e.getMessage(), e);
            }
            lineStart = newline + 1;
        }
        return lineStart;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The records that were in the journal when it was opened, oldest first. */
    public List<JournalRecord> recovered() {
        return recovered;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void append(JournalRecord record) {
        try {
            byte[] line = (PRINTER.print(record) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("journal append failed: file=" + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warning("journal close failed: file=" + file + ", cause=" + e);
        }
    }
}

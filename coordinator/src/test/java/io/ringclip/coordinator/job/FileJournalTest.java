package io.ringclip.coordinator.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ProgressPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {

    @TempDir
    Path dir;

    private static final JobSpec SPEC = JobSpec.newBuilder().setName("clip").setSpecText("model: tiny\n")
            .setSpecFormat("yaml").setMinWorkers(2).setMaxWorkers(4).setSteps(100).build();

    private static ProgressPoint point(long generation, long step, double loss) {
        return ProgressPoint.newBuilder().setGeneration(generation).setStep(step).setLoss(loss)
                .setSamplesPerSecond(50).setTimeUnixMs(1000 + step).build();
    }

    /** Writes a job with state changes, a generation and progress; returns its status. */
    private JobStatus writeJob() throws IOException {
        try (FileJournal journal = FileJournal.open(dir)) {
            JobTable table = new JobTable(journal);
            String id = table.submit(SPEC, 1000).getJobId();
            table.setState(id, JobState.JOB_STATE_WAITING, "waiting for workers", 1001);
            table.setState(id, JobState.JOB_STATE_RUNNING, "running: world_size=2", 1002);
            table.recordGeneration(id, 7, 2, 1002);
            table.recordProgress(id, point(7, 1, 4.2));
            table.recordProgress(id, point(7, 2, 4.0));
            return table.get(id).orElseThrow();
        }
    }

    @Test
    void shouldRecoverJobsStateAndHistoryAfterRestart() throws IOException {
        JobStatus before = writeJob();
        try (FileJournal reopened = FileJournal.open(dir)) {
            JobTable recovered = JobTable.recover(reopened.recovered(), reopened);
            assertEquals(before, recovered.get(before.getJobId()).orElseThrow());
            assertEquals(7, recovered.maxGeneration());
            assertEquals(2, before.getHistoryCount());
            assertEquals(JobState.JOB_STATE_RUNNING, before.getState());
            // the recovered table keeps appending to the same file
            recovered.recordProgress(before.getJobId(), point(8, 3, 3.9));
        }
        try (FileJournal third = FileJournal.open(dir)) {
            JobStatus again = JobTable.recover(third.recovered(), third).get(before.getJobId()).orElseThrow();
            assertEquals(3, again.getHistoryCount());
            assertEquals(3, again.getStep());
        }
    }

    @Test
    void shouldDropATornLastRecordAndTruncateIt() throws IOException {
        JobStatus before = writeJob();
        Path file = dir.resolve(FileJournal.FILE_NAME);
        long goodSize = Files.size(file);
        Files.writeString(file, "{\"timeUnixMs\":\"2000\",\"progressRecor", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (FileJournal reopened = FileJournal.open(dir)) {
            assertEquals(goodSize, Files.size(file), "torn tail truncated");
            JobTable recovered = JobTable.recover(reopened.recovered(), reopened);
            assertEquals(before, recovered.get(before.getJobId()).orElseThrow());
            recovered.recordProgress(before.getJobId(), point(7, 3, 3.8));
        }
        try (FileJournal third = FileJournal.open(dir)) {
            assertEquals(3, JobTable.recover(third.recovered(), third).get(before.getJobId()).orElseThrow().getHistoryCount(),
                    "appends after a torn tail start on a clean line");
        }
    }

    @Test
    void shouldDropAnUnparsableLastLineEvenWithNewline() throws IOException {
        writeJob();
        Path file = dir.resolve(FileJournal.FILE_NAME);
        int records = Files.readAllLines(file).size();
        Files.writeString(file, "{\"timeUnixMs\":\0\0\0\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (FileJournal reopened = FileJournal.open(dir)) {
            assertEquals(records, reopened.recovered().size());
        }
    }

    @Test
    void shouldFailLoudlyOnCorruptionBeforeTheLastRecord() throws IOException {
        writeJob();
        Path file = dir.resolve(FileJournal.FILE_NAME);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.set(1, "garbage");
        Files.write(file, lines);
        IOException e = assertThrows(IOException.class, () -> FileJournal.open(dir));
        assertTrue(e.getMessage().contains("line=2"), e.getMessage());
    }

    @Test
    void shouldStartEmptyInANewDirectory() throws IOException {
        try (FileJournal journal = FileJournal.open(dir.resolve("fresh"))) {
            assertEquals(List.of(), journal.recovered());
        }
    }
}

package io.ringclip.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLayoutTest {

    @Test
    void shouldPointLatestAtTheNewestCommittedCheckpointOnly(@TempDir Path out) throws IOException {
        CheckpointLayout layout = new CheckpointLayout(out);
        assertTrue(layout.latest().isEmpty());
        Path t1 = layout.begin(10);
        Files.writeString(t1.resolve("a"), "1");
        layout.commit(t1, 10);
        Path t2 = layout.begin(20);
        Files.writeString(t2.resolve("a"), "2");
        // not committed yet: latest still names step 10
        assertEquals(out.resolve("checkpoints/step-000010"), layout.latest().orElseThrow());
        layout.commit(t2, 20);
        assertEquals(out.resolve("checkpoints/step-000020"), layout.latest().orElseThrow());
        assertEquals(20, CheckpointLayout.stepOf(layout.latest().orElseThrow()));
        assertFalse(Files.exists(t2));
        assertEquals(layout.stepDir(20), layout.resolveResume("latest"));
    }

    @Test
    void shouldExplainWhatIsMissingOnResume(@TempDir Path out) throws IOException {
        CheckpointLayout layout = new CheckpointLayout(out);
        IOException none = assertThrows(IOException.class, () -> layout.resolveResume("latest"));
        assertTrue(none.getMessage().contains("nothing to resume"), none.getMessage());
        IOException missing = assertThrows(IOException.class, () -> layout.resolveResume(out.resolve("nope").toString()));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        Files.createDirectories(layout.root());
        Files.writeString(layout.root().resolve("latest"), "../../etc");
        assertThrows(IOException.class, layout::latest);
    }
}

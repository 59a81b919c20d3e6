package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.models.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BenchStepCommandTest {

    @Test
    void shouldCountFlopsExactlyAsThePyTorchPeer() {
        // clip_step_torch.py: forward 28,104,982,528 FLOP per step at batch 256; training = 3 × forward
        assertEquals(3 * 28_104_982_528.0, BenchStepCommand.trainingFlops(ModelConfig.named("tiny"), 256), 1);
    }

    @Test
    @Timeout(120)
    void shouldRunStepsAndWriteTheJsonKeys(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("step.json");
        int exit = RingclipMain.run("bench", "step", "--model", "tiny", "--batch", "2", "--loss", "siglip",
                "--precision", "bf16", "--threads", "1", "--steps", "1", "--warmup", "0", "--json", json.toString());
        assertEquals(0, exit);
        String text = Files.readString(json);
        for (String key : new String[] {"\"samples_per_second\"", "\"step_ms_median\"", "\"gflops\"", "\"activation_bytes\""}) {
            assertTrue(text.contains(key), key + " in " + text);
        }
    }
}

package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.models.model.ModelConfig;
import io.ringclip.trainer.config.LossType;
import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.loop.SimulationRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(300)
class TrainEvalCommandTest {

    @Test
    void shouldLetFlagsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "loss: siglip\nsteps: 40\nbatch: 16\n");
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs("--config", job.toString(), "--steps", "7", "--precision", "bf16", "--out", "o");
        TrainConfig c = cmd.resolve();
        assertEquals(LossType.SIGLIP, c.loss());
        assertEquals(7, c.steps());
        assertEquals(16, c.batchPerWorker());
        assertEquals(Precision.BF16, c.precision());
    }

    @Test
    void shouldTurnOverlapOffFromTheFlagOrTheConfigFileAndLeaveItOnOtherwise(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, "overlap: false\n");
        TrainCommand fromFile = new TrainCommand();
        new CommandLine(fromFile).parseArgs("--config", job.toString(), "--out", "o");
        assertFalse(fromFile.resolve().overlap());
        TrainCommand fromFlag = new TrainCommand();
        new CommandLine(fromFlag).parseArgs("--no-overlap", "--out", "o");
        assertFalse(fromFlag.resolve().overlap());
        TrainCommand plain = new TrainCommand();
        new CommandLine(plain).parseArgs("--out", "o");
        assertTrue(plain.resolve().overlap());
    }

    @Test
    void shouldExitWithUsageErrorNamingTheBadField() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, RingclipMain.run("train", "--lr", "-1"));
        } finally {
            System.setErr(old);
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("field=lr"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldEvaluateACheckpointAndResumeFromLatest(@TempDir Path out) throws Exception {
        ModelConfig small = new ModelConfig(28, 3, 7, 32, 1, 2, 2, 600, 16, 32, 1, 2, 32);
        TrainConfig cfg = TrainConfig.builder().workers(2).batchPerWorker(8).steps(4).checkpointEvery(2)
                .data("synthetic:512").outDir(out.toString()).build();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SimulationRun.Summary straight = SimulationRun.run(cfg, small, quiet);
        assertTrue(Files.isDirectory(out.resolve("checkpoints/step-000002")));

        // resume from step 2 in a second run dir holding a copy of the step-2 checkpoint
        Path out2 = out.resolveSibling(out.getFileName() + "-resumed");
        Path ck = out2.resolve("checkpoints/step-000002");
        Files.createDirectories(ck.getParent());
        copy(out.resolve("checkpoints/step-000002"), ck);
        Files.writeString(out2.resolve("checkpoints/latest"), "step-000002\n");
        SimulationRun.Summary resumed = SimulationRun.run(cfg.toBuilder().outDir(out2.toString()).resume("latest").build(),
                small, quiet);
        org.junit.jupiter.api.Assertions.assertArrayEquals(straight.outcomes().getFirst().params(),
                resumed.outcomes().getFirst().params(), 0f, "k steps + resume + k steps == 2k steps");

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = RingclipMain.run("eval", "--checkpoint", out.toString(), "--data", "synthetic:512", "--max-samples", "256");
        } finally {
            System.setOut(old);
        }
        String text = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("zero-shot: top-1"), text);
        assertTrue(text.contains("step-000004"), text);
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}

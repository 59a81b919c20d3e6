package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.trainer.config.TrainConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobConfigTest {

    private static ClusterWorker worker(Path outRoot) {
        Duration d = Duration.ofSeconds(1);
        return new ClusterWorker(new ClusterWorkerOptions("w", "127.0.0.1", 0, "t", outRoot, 1, d, d, d, d),
                id -> { throw new AssertionError("no coordinator in this test"); }, line -> { });
    }

    private static Assignment assignment(String specText, String format, long steps) {
        return Assignment.newBuilder().setJobId("job-7").setJob(JobSpec.newBuilder().setName("job").setSpecText(specText)
                .setSpecFormat(format).setSteps(steps)).build();
    }

    @Test
    void shouldPutTheRunDirUnderTheSpecsOutAndTakeStepsFromTheCoordinator() {
        TrainConfig cfg = worker(null).jobConfig(assignment("model: tiny\nsteps: 10\nout: /shared/ckpt\n", "yaml", 25));
        assertEquals(Path.of("/shared/ckpt", "job-7").toString(), cfg.outDir());
        assertEquals(25, cfg.steps());
    }

    @Test
    void shouldPreferTheCommandLinesOutAndReadJson() {
        TrainConfig cfg = worker(Path.of("/local/runs")).jobConfig(assignment("{\"steps\": 12, \"batch\": 4}", "json", 0));
        assertEquals(Path.of("/local/runs", "job-7").toString(), cfg.outDir());
        assertEquals(12, cfg.steps());
        assertEquals(4, cfg.batchPerWorker());
    }
}

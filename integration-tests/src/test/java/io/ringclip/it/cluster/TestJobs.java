package io.ringclip.it.cluster;

import io.ringclip.coordinator.api.JobSpec;

/**
 * Small real training jobs for the cluster tests: the tiny CLIP model on the built-in synthetic
 * caption data (no download), short enough for a 2-core CI machine, long enough that a fault can
 * be injected while training is under way.
 */
final class TestJobs {

    /** Workers that restart after a fault resume from the latest checkpoint (shared volume). */
    static final int CHECKPOINT_EVERY = 4;

    private TestJobs() {}

    /** A job of {@code steps} optimizer steps that runs with {@code minWorkers..maxWorkers} workers. */
    static JobSpec tinyClip(String name, int steps, int minWorkers, int maxWorkers) {
        String yaml = """
                model: tiny
                loss: clip
                precision: fp32
                data: synthetic
                batch: 8
                steps: %d
                lr: 0.002
                warmup: 2
                eval-every: 0
                checkpoint-every: %d
                out: %s/%s
                """.formatted(steps, CHECKPOINT_EVERY, RingclipCluster.CHECKPOINTS_DIR, name);
        return JobSpec.newBuilder()
                .setName(name)
                .setSpecText(yaml)
                .setSpecFormat("yaml")
                .setSteps(steps)
                .setMinWorkers(minWorkers)
                .setMaxWorkers(maxWorkers)
                .build();
    }
}

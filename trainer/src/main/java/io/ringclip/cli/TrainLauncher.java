package io.ringclip.cli;

import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.loop.SimulationRun;
import io.ringclip.trainer.loop.WorkerThreads;
import java.io.IOException;
import java.util.Locale;

/** Runs a validated job in simulation mode and prints the lines a person wants at the end. */
final class TrainLauncher {

    private TrainLauncher() {}

    static int runSimulation(TrainConfig cfg) {
        try {
            SimulationRun.Summary s = SimulationRun.run(cfg, System.out);
            System.out.printf(Locale.ROOT, "done: %d steps in %.1f s, %.1f samples/s, %.1f%% of step time waiting on gradient sync%n",
                    cfg.steps(), s.wallNanos() / 1e9, s.samplesPerSecond(), 100 * s.commWaitShare());
            if (s.finalEval() != null && s.finalEval().zeroShot() != null) {
                System.out.printf(Locale.ROOT, "final zero-shot accuracy: top-1 %.2f%%, top-5 %.2f%% (%d held-out images)%n",
                        100 * s.finalEval().zeroShot().top1(), 100 * s.finalEval().zeroShot().top5(),
                        s.finalEval().zeroShot().samples());
            }
            if (s.finalEval() != null && s.finalEval().retrieval() != null) {
                System.out.printf(Locale.ROOT, "final retrieval recall: R@1 %.2f%%, R@5 %.2f%%, R@10 %.2f%%%n",
                        100 * s.finalEval().retrieval().meanAt(1), 100 * s.finalEval().retrieval().meanAt(5),
                        100 * s.finalEval().retrieval().meanAt(10));
            }
            System.out.println("report: " + s.outDir().resolve("report.html").toAbsolutePath());
            return 0;
        } catch (WorkerThreads.WorkerFailedException e) {
            System.err.println("ringclip train: " + e.getMessage());
            e.getCause().printStackTrace(System.err);
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("ringclip train: " + e.getMessage());
            return 1;
        }
    }
}

package io.ringclip.trainer.loop;

import io.ringclip.models.model.ModelConfig;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.eval.EvalResult;

/** Rank 0's reports: what a person and metrics.jsonl see. Called on the worker thread. */
public interface RunObserver {

    RunObserver NONE = new RunObserver() { };

    default void started(TrainConfig cfg, String data, ModelConfig model, int parameters, int worldSize) {}

    default void stepDone(StepResult result) {}

    default void evalDone(int step, EvalResult result) {}

    default void message(String text) {}
}

package io.ringclip.trainer.eval;

/** Zero-shot classification accuracy over {@code samples} labelled images, fractions in [0, 1]. */
public record TopKAccuracy(int samples, double top1, double top5) {}

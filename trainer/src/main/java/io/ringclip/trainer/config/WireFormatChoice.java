package io.ringclip.trainer.config;

/** Element type of gradients on the wire; reduction always accumulates in fp32. */
public enum WireFormatChoice {
    FP32,
    FP16,
    BF16
}

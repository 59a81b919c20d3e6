package io.ringclip.trainer.data;

/** One raw dataset item before decoding and tokenisation; {@code label} is -1 when unknown. */
public record Example(ImageData image, String caption, int label) {}

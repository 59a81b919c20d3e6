package io.ringclip.trainer.data;

/** The bytes of an encoded image file (JPEG, PNG, …); {@code origin} names it in warnings. */
public record EncodedImage(byte[] bytes, String origin) implements ImageData {}

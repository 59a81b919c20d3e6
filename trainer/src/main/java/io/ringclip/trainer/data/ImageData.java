package io.ringclip.trainer.data;

/**
 * An example's image before preprocessing: either pixels already in memory ({@link RawImage}) or
 * the bytes of an encoded file ({@link EncodedImage}) that a loader thread decodes with
 * {@code io.ringclip.models.image.ImagePreprocessor}.
 */
public sealed interface ImageData permits RawImage, EncodedImage {}

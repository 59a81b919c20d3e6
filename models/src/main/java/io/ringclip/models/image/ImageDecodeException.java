package io.ringclip.models.image;

import java.io.IOException;

/** An image that cannot be decoded (corrupt, truncated, or a format javax.imageio does not read). */
public final class ImageDecodeException extends IOException {

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}

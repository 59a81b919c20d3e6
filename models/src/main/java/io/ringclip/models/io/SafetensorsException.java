package io.ringclip.models.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that is corrupt, truncated, or does not match what the caller expects. */
public final class SafetensorsException extends IOException {

    public SafetensorsException(Path file, String message) {
        super(message + " (file=" + file + ")");
    }
}

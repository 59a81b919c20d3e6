package io.ringclip.trainer.config;

/** A job spec that cannot run; the message names the field and the offending value. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    static ConfigException field(String field, String problem, Object value) {
        return new ConfigException("invalid config: field=" + field + ", value=" + value + ": " + problem);
    }
}

package io.ringclip.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a job spec from YAML ({@code .yaml}/{@code .yml}) or JSON into a {@link TrainConfig.Builder}:
 * a flat mapping of the keys in {@link TrainConfig.Builder#KEYS}, e.g.
 * <pre>
 *   model: tiny
 *   loss: siglip
 *   batch: 64
 *   weight-decay: 0.1
 * </pre>
 * CLI flags are applied to the same builder afterwards, so they override the file.
 */
public final class TrainConfigFiles {

    private TrainConfigFiles() {}

    public static TrainConfig.Builder load(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read config: file=" + file + ": " + e.getMessage(), e);
        }
        return parse(text, yaml, file.toString());
    }

    /** Parses YAML ({@code yaml == true}) or JSON text; {@code source} names it in errors. */
    public static TrainConfig.Builder parse(String text, boolean yaml, String source) {
        ObjectMapper mapper = yaml ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            throw new ConfigException("malformed config: file=" + source + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        TrainConfig.Builder b = TrainConfig.builder();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return b;
        }
        if (!root.isObject()) {
            throw new ConfigException("malformed config: file=" + source + ": top level must be a mapping of field: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw ConfigException.field(TrainConfig.Builder.canonicalKey(e.getKey()),
                        "must be a scalar (file=" + source + ")", v);
            }
            b.set(e.getKey(), v.asText());
        }
        return b;
    }
}

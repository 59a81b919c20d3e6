package io.ringclip.models.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shape of a CLIP / SigLIP model: a ViT image tower and a causal text Transformer, open_clip style.
 *
 * @param imageSize     input height = width in pixels
 * @param channels      input channels (1 for Fashion-MNIST, 3 for RGB)
 * @param patchSize     ViT patch side; imageSize must be a multiple
 * @param visionWidth   ViT width C
 * @param visionLayers  residual blocks in the ViT
 * @param visionHeads   attention heads in the ViT (visionWidth divisible by it)
 * @param mlpRatio      MLP hidden = mlpRatio · width, in both towers
 * @param vocabSize     text vocabulary V (the end-of-text token is the highest id)
 * @param contextLength text tokens T per caption
 * @param textWidth     text Transformer width
 * @param textLayers    residual blocks in the text tower
 * @param textHeads     attention heads in the text tower
 * @param embedDim      shared embedding dimension E
 */
public record ModelConfig(int imageSize, int channels, int patchSize, int visionWidth, int visionLayers,
                          int visionHeads, int mlpRatio, int vocabSize, int contextLength, int textWidth,
                          int textLayers, int textHeads, int embedDim) {

    private static final String[] KEYS = {"imageSize", "channels", "patchSize", "visionWidth", "visionLayers",
            "visionHeads", "mlpRatio", "vocabSize", "contextLength", "textWidth", "textLayers", "textHeads", "embedDim"};

    public ModelConfig {
        int[] values = {imageSize, channels, patchSize, visionWidth, visionLayers, visionHeads, mlpRatio,
                vocabSize, contextLength, textWidth, textLayers, textHeads, embedDim};
        for (int i = 0; i < values.length; i++) {
            if (values[i] <= 0) {
                throw new IllegalArgumentException("model config value must be > 0: " + KEYS[i] + "=" + values[i]);
            }
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("imageSize must be a multiple of patchSize: imageSize=" + imageSize
                    + ", patchSize=" + patchSize);
        }
        if (visionWidth % visionHeads != 0) {
            throw new IllegalArgumentException("visionWidth must be divisible by visionHeads: visionWidth="
                    + visionWidth + ", visionHeads=" + visionHeads);
        }
        if (textWidth % textHeads != 0) {
            throw new IllegalArgumentException("textWidth must be divisible by textHeads: textWidth=" + textWidth
                    + ", textHeads=" + textHeads);
        }
    }

    /** {@code tiny} (28×28×1, the size of the PyTorch peer in bench/clip_step_torch.py) or {@code vit-b-16}. */
    public static ModelConfig named(String name) {
        return switch (name) {
            case "tiny" -> new ModelConfig(28, 1, 4, 128, 4, 4, 4, 1000, 16, 128, 4, 4, 128);
            case "vit-b-16" -> new ModelConfig(224, 3, 16, 768, 12, 12, 4, 49408, 77, 512, 12, 8, 512);
            default -> throw new IllegalArgumentException("unknown model config: name=" + name + ", known=[tiny, vit-b-16]");
        };
    }

    /** Patches per image P = (imageSize / patchSize)². */
    public int patches() {
        return (imageSize / patchSize) * (imageSize / patchSize);
    }

    /** Image tokens: class token + patches. */
    public int visionTokens() {
        return 1 + patches();
    }

    /** Floats per preprocessed image, [C, H, W]. */
    public int imageElements() {
        return channels * imageSize * imageSize;
    }

    public String toJson() {
        int[] values = values();
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < KEYS.length; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(KEYS[i]).append("\": ").append(values[i]);
        }
        return sb.append('}').toString();
    }

    /** Parses the flat object {@link #toJson()} writes; every key is required, unknown keys are rejected. */
    public static ModelConfig fromJson(String json) {
        Map<String, Integer> m = parseFlatIntObject(json);
        int[] v = new int[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            Integer x = m.remove(KEYS[i]);
            if (x == null) {
                throw new IllegalArgumentException("model config JSON is missing a key: key=" + KEYS[i]);
            }
            v[i] = x;
        }
        if (!m.isEmpty()) {
            throw new IllegalArgumentException("model config JSON has unknown keys: keys=" + m.keySet());
        }
        return new ModelConfig(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]);
    }

    private int[] values() {
        return new int[] {imageSize, channels, patchSize, visionWidth, visionLayers, visionHeads, mlpRatio,
                vocabSize, contextLength, textWidth, textLayers, textHeads, embedDim};
    }

    /** {"a": 1, "b": 2}: string keys, integer values, nothing else. */
    private static Map<String, Integer> parseFlatIntObject(String json) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int[] pos = {0};
        skipSpace(json, pos);
        expect(json, pos, '{');
        skipSpace(json, pos);
        if (peek(json, pos) == '}') {
            pos[0]++;
            return out;
        }
        while (true) {
            skipSpace(json, pos);
            expect(json, pos, '"');
            int start = pos[0];
            while (pos[0] < json.length() && json.charAt(pos[0]) != '"') {
                pos[0]++;
            }
            String key = json.substring(start, pos[0]);
            expect(json, pos, '"');
            skipSpace(json, pos);
            expect(json, pos, ':');
            skipSpace(json, pos);
            int numStart = pos[0];
            if (peek(json, pos) == '-') {
                pos[0]++;
            }
            while (pos[0] < json.length() && Character.isDigit(json.charAt(pos[0]))) {
                pos[0]++;
            }
            try {
                out.put(key, Integer.parseInt(json.substring(numStart, pos[0])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("model config JSON value is not an integer: key=" + key + ", offset=" + numStart);
            }
            skipSpace(json, pos);
            char c = peek(json, pos);
            pos[0]++;
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw new IllegalArgumentException("model config JSON: expected ',' or '}': offset=" + (pos[0] - 1));
            }
        }
        skipSpace(json, pos);
        if (pos[0] != json.length()) {
            throw new IllegalArgumentException("model config JSON: trailing characters: offset=" + pos[0]);
        }
        return out;
    }

    private static char peek(String s, int[] pos) {
        if (pos[0] >= s.length()) {
            throw new IllegalArgumentException("model config JSON ends early: length=" + s.length());
        }
        return s.charAt(pos[0]);
    }

    private static void expect(String s, int[] pos, char c) {
        if (peek(s, pos) != c) {
            throw new IllegalArgumentException("model config JSON: expected '" + c + "': offset=" + pos[0]
                    + ", found='" + s.charAt(pos[0]) + "'");
        }
        pos[0]++;
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }
}

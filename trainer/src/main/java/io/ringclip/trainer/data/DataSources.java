package io.ringclip.trainer.data;

import java.nio.file.Path;

/**
 * Opens a {@link DataSource} from a spec string:
 * <pre>
 *   synthetic[:SIZE]        built-in shapes dataset (SIZE train examples; test is SIZE/8, ≥ 256)
 *   fashion-mnist[:DIR]     idx files in DIR (default /usr/share/datasets/fashion-mnist)
 *   csv:PATH                CSV of (image path relative to the CSV, caption)
 *   wds:PATTERN             WebDataset tar shards, e.g. data/shards-{000..009}.tar
 * </pre>
 * {@code imageSize}, {@code channels} and {@code seed} matter only to the synthetic source,
 * which renders its images at the model's size; the other sources are resized by the loader.
 */
public final class DataSources {

    public static final String DEFAULT_SPEC = "synthetic";

    private DataSources() {}

    public static DataSource open(String spec, Split split, int imageSize, int channels, long seed) {
        String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String argument = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : "";
        return switch (kind) {
            case "synthetic" -> argument.isEmpty()
                    ? SyntheticCaptions.of(split, imageSize, channels, seed)
                    : new SyntheticCaptions(split, syntheticSize(parseSize(spec, argument), split), imageSize,
                            channels, seed);
            case "fashion-mnist" ->
                    FashionMnist.open(Path.of(argument.isEmpty() ? FashionMnist.DEFAULT_DIRECTORY : argument), split);
            case "csv" -> CsvCaptions.open(requireArgumentPath(spec, argument));
            case "wds" -> WebDatasetShards.open(requireArgumentPath(spec, argument).toString());
            default -> throw new IllegalArgumentException("unknown data source: spec=" + spec
                    + " (expected synthetic[:SIZE], fashion-mnist[:DIR], csv:PATH or wds:PATTERN)");
        };
    }

    private static int syntheticSize(int trainSize, Split split) {
        return split == Split.TRAIN ? trainSize : Math.max(256, trainSize / 8);
    }

    private static int parseSize(String spec, String argument) {
        try {
            int size = Integer.parseInt(argument);
            if (size > 0) {
                return size;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("bad synthetic size: spec=" + spec + " (expected a positive integer)");
    }

    static Path requireArgumentPath(String spec, String argument) {
        if (argument.isBlank()) {
            throw new IllegalArgumentException("data source needs a path: spec=" + spec);
        }
        return Path.of(argument);
    }
}

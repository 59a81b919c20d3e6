package io.ringclip.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Fashion-MNIST (Zalando, 28×28 grey, 10 classes) from its four idx files, gzip'd or not;
 * Debian's {@code dataset-fashion-mnist} installs them in {@value #DEFAULT_DIRECTORY}.
 * Captions come from class-name templates, the template chosen by {@code index mod templates}.
 */
public final class FashionMnist implements DataSource {

    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    /** Class names by label, lower case as they appear in captions. */
    public static final List<String> CLASS_NAMES = List.of("t-shirt", "trouser", "pullover", "dress", "coat",
            "sandal", "shirt", "sneaker", "bag", "ankle boot");

    static final List<String> TEMPLATES = List.of(
            "a photo of a {}.",
            "a black and white photo of a {}.",
            "a low resolution photo of a {}.",
            "a grey photo of the {}.",
            "a product photo of a {}.",
            "a small photo of a {}.");

    private final Path directory;
    private final Split split;
    private final int count;
    private final int height;
    private final int width;
    private final byte[] pixels;
    private final byte[] labels;

    private FashionMnist(Path directory, Split split, IdxFile images, IdxFile labelFile) {
        if (images.dims().length != 3 || labelFile.dims().length != 1 || images.dims()[0] != labelFile.dims()[0]) {
            throw new IllegalArgumentException("fashion-mnist files disagree: directory=" + directory + ", imageDims="
                    + Arrays.toString(images.dims()) + ", labelDims=" + Arrays.toString(labelFile.dims()));
        }
        this.directory = directory;
        this.split = split;
        this.count = images.dims()[0];
        this.height = images.dims()[1];
        this.width = images.dims()[2];
        this.pixels = images.data();
        this.labels = labelFile.data();
    }

    /** Reads {@code train-*} or {@code t10k-*} idx files from {@code directory}. */
    public static FashionMnist open(Path directory, Split split) {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path images = find(directory, prefix + "-images-idx3-ubyte");
        Path labels = find(directory, prefix + "-labels-idx1-ubyte");
        try {
            return new FashionMnist(directory, split, IdxFile.read(images), IdxFile.read(labels));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fashion-mnist: directory=" + directory + ", split=" + split, e);
        }
    }

    private static Path find(Path directory, String baseName) {
        for (String candidate : List.of(baseName + ".gz", baseName)) {
            Path path = directory.resolve(candidate);
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new IllegalArgumentException("fashion-mnist file missing: directory=" + directory + ", file=" + baseName
                + "[.gz] (install Debian's dataset-fashion-mnist or pass fashion-mnist:DIR)");
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Example get(int index) {
        int plane = width * height;
        float[] image = new float[plane];
        int base = index * plane;
        for (int i = 0; i < plane; i++) {
            image[i] = (pixels[base + i] & 0xFF) / 255f;
        }
        return new Example(new RawImage(width, height, 1, image), caption(index), label(index));
    }

    @Override
    public String caption(int index) {
        return TEMPLATES.get(index % TEMPLATES.size()).replace("{}", CLASS_NAMES.get(label(index)));
    }

    private int label(int index) {
        int label = labels[index] & 0xFF;
        if (label >= CLASS_NAMES.size()) {
            throw new BadSampleException("fashion-mnist label out of range: index=" + index + ", label=" + label);
        }
        return label;
    }

    @Override
    public List<String> classNames() {
        return CLASS_NAMES;
    }

    @Override
    public List<String> promptTemplates() {
        return TEMPLATES;
    }

    @Override
    public String describe() {
        return "fashion-mnist(directory=" + directory + ", split=" + split + ", size=" + count + ")";
    }
}

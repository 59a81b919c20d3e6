package io.ringclip.trainer.data;

import java.util.List;

/**
 * A built-in captioned image dataset that needs no download: one shape per image on a noisy dark
 * background, with a caption naming its attributes and the shape as class label.
 *
 * <p>Example {@code i} of a split is generated from {@code (seed, split, i)} alone, so the
 * dataset is random-access, deterministic, and costs no memory. Attributes: shape (the label),
 * colour (RGB) or intensity (1 channel), one of 9 positions, small or large, and a caption
 * template. Shapes are drawn large and clean (diameter ≥ ~0.5 of the side, so ≥ 14 px at 28 px)
 * on a quiet background, so that a ViT with 4-pixel patches can read their outline. The test split uses a separate random stream, so it is held out.
 */
public final class SyntheticCaptions implements DataSource {

    public static final int DEFAULT_TRAIN_SIZE = 8192;
    public static final int DEFAULT_TEST_SIZE = 1024;

    static final List<String> SHAPES = List.of("circle", "square", "triangle", "cross", "diamond", "ring");
    static final List<String> COLOUR_NAMES = List.of("red", "green", "blue", "yellow", "purple", "orange", "white");
    private static final float[][] COLOUR_RGB = {
        {0.9f, 0.1f, 0.1f}, {0.1f, 0.8f, 0.2f}, {0.15f, 0.3f, 0.95f}, {0.95f, 0.9f, 0.1f},
        {0.6f, 0.15f, 0.8f}, {1.0f, 0.55f, 0.0f}, {0.95f, 0.95f, 0.95f},
    };
    static final List<String> INTENSITY_NAMES = List.of("bright", "dim");
    private static final float[] INTENSITY = {0.95f, 0.65f};
    /** The 3×3 grid of positions, row-major from top left. */
    static final List<String> POSITIONS = List.of("top left", "top centre", "top right", "middle left", "centre",
            "middle right", "bottom left", "bottom centre", "bottom right");
    static final List<String> SIZES = List.of("small", "large");
    private static final List<String> CAPTION_TEMPLATES = List.of(
            "a {colour} {shape} in the {position}",
            "a {size} {colour} {shape}",
            "a photo of a {colour} {shape}.",
            "{size} {shape}, {colour}, {position}",
            "there is a {colour} {shape} at the {position}",
            "a {shape} that is {colour}, {size}, {position}");
    private static final List<String> PROMPT_TEMPLATES = List.of(
            "a photo of a {}.", "a {} shape.", "a drawing of a {}.", "a small {}.", "a large {}.");

    private static final long TRAIN_STREAM = 0x7121_0001L;
    private static final long TEST_STREAM = 0x7E57_0002L;

    private final Split split;
    private final int size;
    private final int imageSize;
    private final int channels;
    private final long seed;

    /** The attributes of one example, drawn first from its generator (rendering draws after). */
    record Attributes(int shape, int colour, int intensity, int position, int sizeClass, int template) {}

    public SyntheticCaptions(Split split, int size, int imageSize, int channels, long seed) {
        if (size <= 0 || imageSize < 8 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("bad synthetic dataset: size=" + size + ", imageSize=" + imageSize
                    + ", channels=" + channels + " (need size>0, imageSize>=8, channels 1 or 3)");
        }
        this.split = split;
        this.size = size;
        this.imageSize = imageSize;
        this.channels = channels;
        this.seed = seed;
    }

    /** The default split sizes ({@value #DEFAULT_TRAIN_SIZE} train, {@value #DEFAULT_TEST_SIZE} test). */
    public static SyntheticCaptions of(Split split, int imageSize, int channels, long seed) {
        return new SyntheticCaptions(split, split == Split.TRAIN ? DEFAULT_TRAIN_SIZE : DEFAULT_TEST_SIZE,
                imageSize, channels, seed);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Example get(int index) {
        SplitMix64 random = generator(index);
        Attributes a = drawAttributes(random);
        return new Example(render(a, random), caption(a), a.shape());
    }

    @Override
    public String caption(int index) {
        return caption(drawAttributes(generator(index)));
    }

    @Override
    public List<String> classNames() {
        return SHAPES;
    }

    @Override
    public List<String> promptTemplates() {
        return PROMPT_TEMPLATES;
    }

    @Override
    public String describe() {
        return "synthetic(split=" + split + ", size=" + size + ", image=" + channels + "x" + imageSize + "x"
                + imageSize + ", seed=" + seed + ")";
    }

    Attributes attributes(int index) {
        return drawAttributes(generator(index));
    }

    private SplitMix64 generator(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("synthetic index out of range: index=" + index + ", size=" + size);
        }
        return SplitMix64.forItem(seed, split == Split.TRAIN ? TRAIN_STREAM : TEST_STREAM, index);
    }

    private static Attributes drawAttributes(SplitMix64 random) {
        return new Attributes(random.nextInt(SHAPES.size()), random.nextInt(COLOUR_NAMES.size()),
                random.nextInt(INTENSITY_NAMES.size()),
                random.nextInt(POSITIONS.size()), random.nextInt(SIZES.size()),
                random.nextInt(CAPTION_TEMPLATES.size()));
    }

    private String caption(Attributes a) {
        String appearance = channels == 3 ? COLOUR_NAMES.get(a.colour()) : INTENSITY_NAMES.get(a.intensity());
        return CAPTION_TEMPLATES.get(a.template())
                .replace("{colour}", appearance)
                .replace("{shape}", SHAPES.get(a.shape()))
                .replace("{position}", POSITIONS.get(a.position()))
                .replace("{size}", SIZES.get(a.sizeClass()));
    }

    /** Draws the image: pixels in [0, 1], {@code [channels, S, S]}. */
    private RawImage render(Attributes a, SplitMix64 random) {
        int s = imageSize;
        float[] pixels = new float[channels * s * s];
        int plane = s * s;
        Placement p = placement(a, random);
        double background = random.uniform(0.0, BACKGROUND_MAX);
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double u = ((x + 0.5) / s - p.cx()) / p.radius();
                double v = ((y + 0.5) / s - p.cy()) / p.radius();
                boolean inside = insideShape(a.shape(), u, v);
                for (int c = 0; c < channels; c++) {
                    double noise = random.uniform(-NOISE, NOISE);
                    double value = inside
                            ? (channels == 3 ? COLOUR_RGB[a.colour()][c] : INTENSITY[a.intensity()])
                            : background;
                    pixels[c * plane + y * s + x] = (float) Math.clamp(value + noise, 0.0, 1.0);
                }
            }
        }
        return new RawImage(s, s, channels, pixels);
    }

    /** Background level is drawn from [0, BACKGROUND_MAX]; pixel noise from [-NOISE, NOISE]. */
    private static final double BACKGROUND_MAX = 0.2;
    private static final double NOISE = 0.03;
    /** Offset of the outer grid cells' centres from the image centre, in units of the side. */
    static final double POSITION_OFFSET = 0.12;

    /** Shape centre and radius, in units of the image side. */
    record Placement(double cx, double cy, double radius) {}

    /**
     * Where the shape goes. The 3×3 "grid" is a shift of the centre by ±{@value #POSITION_OFFSET}
     * of the side plus a little jitter, so the shape stays large (radius 0.26–0.30 small,
     * 0.34–0.38 large: diameter ≥ 14 px at 28 px, legible with 4-px patches) and loses at most a
     * thin rim at the border.
     */
    static Placement placement(Attributes a, SplitMix64 random) {
        double cx = 0.5 + (a.position() % 3 - 1) * POSITION_OFFSET + random.uniform(-0.02, 0.02);
        double cy = 0.5 + (a.position() / 3 - 1) * POSITION_OFFSET + random.uniform(-0.02, 0.02);
        double radius = a.sizeClass() == 0 ? random.uniform(0.26, 0.30) : random.uniform(0.34, 0.38);
        return new Placement(cx, cy, radius);
    }

    /** Whether local coordinates (u, v), in units of the radius, lie inside the shape. */
    static boolean insideShape(int shape, double u, double v) {
        double au = Math.abs(u);
        double av = Math.abs(v);
        return switch (shape) {
            case 0 -> u * u + v * v <= 1; // circle
            case 1 -> au <= 0.85 && av <= 0.85; // square
            case 2 -> v <= 0.8 && v >= -1 && au <= 0.95 * (v + 1) / 1.8; // triangle, apex up
            case 3 -> (au <= 0.3 && av <= 1) || (av <= 0.3 && au <= 1); // cross
            case 4 -> au + av <= 1; // diamond
            case 5 -> u * u + v * v <= 1 && u * u + v * v >= 0.36; // ring
            default -> throw new IllegalArgumentException("unknown shape: shape=" + shape);
        };
    }
}

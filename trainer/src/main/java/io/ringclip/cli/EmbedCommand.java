package io.ringclip.cli;

import io.ringclip.models.image.ImagePreprocessor;
import io.ringclip.models.io.CheckpointFiles;
import io.ringclip.models.image.Preprocess;
import io.ringclip.models.io.ClipCheckpoint;
import io.ringclip.models.io.Npy;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.models.tokenizer.Tokenizer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip embed}: image and/or text embeddings of a trained model, for retrieval.
 * Writes {@code image_embeddings.npy} and {@code text_embeddings.npy} (float32 [N, E], rows
 * L2-normalised, one row per input in input order) and, for an image directory,
 * {@code image_files.txt} naming the file of each row.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Embed images and/or captions with a trained model; writes float32 .npy files [N, E], rows L2-normalised.",
                "",
                "Examples:",
                "  ringclip embed --checkpoint runs/tiny --images photos/ --texts captions.txt \\",
                "      --out emb/",
                "  ringclip embed --model vit-b-16 --weights open_clip.safetensors \\",
                "      --tokenizer bpe_simple_vocab_16e6.txt.gz --texts captions.txt --out emb/"})
public final class EmbedCommand implements Callable<Integer> {

    static final String IMAGE_EMBEDDINGS = "image_embeddings.npy";
    static final String TEXT_EMBEDDINGS = "text_embeddings.npy";
    static final String IMAGE_FILES = "image_files.txt";
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "wbmp", "tif", "tiff");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--checkpoint", paramLabel = "DIR",
            description = "A checkpoint directory (model.safetensors + config.json, tokenizer if saved with it), "
                    + "or a run directory / its checkpoints/latest pointer: the newest checkpoint is used.")
    Path checkpoint;

    @Option(names = "--model", paramLabel = "NAME", description = "Named model config (tiny, vit-b-16), with --weights.")
    String modelName;

    @Option(names = "--weights", paramLabel = "FILE", description = "safetensors file with open_clip tensor names, with --model.")
    Path weights;

    @Option(names = "--images", paramLabel = "DIR|FILE.npy",
            description = "A directory of image files (embedded in file-name order, preprocessed as recorded in the "
                    + "checkpoint, else CLIP's RGB / Fashion-MNIST grey defaults), "
                    + "or a .npy float32 [N, C, H, W] of already preprocessed pixels.")
    Path images;

    @Option(names = "--texts", paramLabel = "FILE", description = "Captions, one per line (UTF-8).")
    Path texts;

    @Option(names = "--token-ids", paramLabel = "FILE",
            description = "Token ids instead of captions: space-separated ids per line, sot/eot included; "
                    + "lines shorter than the context length are padded with 0.")
    Path tokenIds;

    @Option(names = "--tokenizer", paramLabel = "DIR|FILE",
            description = "Tokenizer directory (merges.txt) or a CLIP merges file (bpe_simple_vocab_16e6.txt[.gz]); "
                    + "default: the one saved with the checkpoint.")
    Path tokenizerPath;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() {
        validate();
        try {
            return embed();
        } catch (IOException e) {
            // Missing or corrupt inputs: the message names the file; a stack trace would only bury it.
            String what = e instanceof java.nio.file.NoSuchFileException nsf && nsf.getReason() == null
                    ? "no such file: " + nsf.getFile() : e.getMessage();
            spec.commandLine().getErr().println("embed: error: " + what);
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    private int embed() throws IOException {
        if (checkpoint != null) {
            checkpoint = resolveCheckpoint(checkpoint);
        }
        ClipModel model = checkpoint != null
                ? ClipCheckpoint.load(checkpoint)
                : ClipCheckpoint.loadOpenClipWeights(ModelConfig.named(modelName), weights);
        ModelConfig cfg = model.config();
        PrintWriter log = spec.commandLine().getOut();
        Files.createDirectories(out);
        if (images != null) {
            int n = embedImages(model, cfg);
            log.printf("embed: images=%d -> %s [%d, %d]%n", n, out.resolve(IMAGE_EMBEDDINGS), n, cfg.embedDim());
        }
        if (texts != null || tokenIds != null) {
            int[] tokens = texts != null ? tokenize(cfg) : readTokenIds(cfg);
            int n = tokens.length / cfg.contextLength();
            float[] emb = new float[n * cfg.embedDim()];
            for (int s = 0; s < n; s += batchSize) {
                int b = Math.min(batchSize, n - s);
                int[] batch = Arrays.copyOfRange(tokens, s * cfg.contextLength(), (s + b) * cfg.contextLength());
                System.arraycopy(model.encodeTexts(batch, b), 0, emb, s * cfg.embedDim(), b * cfg.embedDim());
            }
            Npy.writeFloat32(out.resolve(TEXT_EMBEDDINGS), emb, n, cfg.embedDim());
            log.printf("embed: texts=%d -> %s [%d, %d]%n", n, out.resolve(TEXT_EMBEDDINGS), n, cfg.embedDim());
        }
        log.flush();
        return 0;
    }

    private void validate() {
        if ((checkpoint == null) == (weights == null)) {
            throw usage("give the weights either as --checkpoint DIR or as --model NAME --weights FILE");
        }
        if (weights != null && modelName == null) {
            throw usage("--weights needs --model NAME (the config the weights were trained with)");
        }
        if (checkpoint != null && modelName != null) {
            throw usage("--model goes with --weights; a checkpoint carries its own config");
        }
        if (texts != null && tokenIds != null) {
            throw usage("give captions either as --texts or as --token-ids, not both");
        }
        if (images == null && texts == null && tokenIds == null) {
            throw usage("nothing to embed: give --images and/or --texts/--token-ids");
        }
        if (batchSize < 1) {
            throw usage("--batch-size must be >= 1: batchSize=" + batchSize);
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private int embedImages(ClipModel model, ModelConfig cfg) throws IOException {
        int perImage = cfg.imageElements();
        if (Files.isRegularFile(images) && images.getFileName().toString().endsWith(".npy")) {
            Npy.Float32 pixels = Npy.readFloat32(images);
            int[] shape = pixels.shape();
            if (shape.length != 4 || shape[1] != cfg.channels() || shape[2] != cfg.imageSize() || shape[3] != cfg.imageSize()) {
                throw usage("pixel array shape does not match the model: shape=" + Arrays.toString(shape)
                        + ", expected=[N, " + cfg.channels() + ", " + cfg.imageSize() + ", " + cfg.imageSize() + "], file=" + images);
            }
            int n = shape[0];
            float[] emb = new float[n * cfg.embedDim()];
            for (int s = 0; s < n; s += batchSize) {
                int b = Math.min(batchSize, n - s);
                float[] batch = Arrays.copyOfRange(pixels.data(), s * perImage, (s + b) * perImage);
                System.arraycopy(model.encodeImages(batch, b), 0, emb, s * cfg.embedDim(), b * cfg.embedDim());
            }
            Npy.writeFloat32(out.resolve(IMAGE_EMBEDDINGS), emb, n, cfg.embedDim());
            return n;
        }
        if (!Files.isDirectory(images)) {
            throw usage("--images must be a directory of images or a .npy file: images=" + images);
        }
        List<Path> files = listImages(images);
        ImagePreprocessor pre = new ImagePreprocessor(checkpoint != null
                ? ClipCheckpoint.preprocess(checkpoint, cfg)
                : Preprocess.forChannels(cfg.imageSize(), cfg.channels()));
        int n = files.size();
        float[] emb = new float[n * cfg.embedDim()];
        for (int s = 0; s < n; s += batchSize) {
            int b = Math.min(batchSize, n - s);
            float[] batch = new float[b * perImage];
            for (int i = 0; i < b; i++) {
                // A corrupt file stops the run with its name: skipping it would shift every later row.
                System.arraycopy(pre.load(files.get(s + i)), 0, batch, i * perImage, perImage);
            }
            System.arraycopy(model.encodeImages(batch, b), 0, emb, s * cfg.embedDim(), b * cfg.embedDim());
        }
        Npy.writeFloat32(out.resolve(IMAGE_EMBEDDINGS), emb, n, cfg.embedDim());
        List<String> names = new ArrayList<>(n);
        for (Path f : files) {
            names.add(f.getFileName().toString());
        }
        Files.write(out.resolve(IMAGE_FILES), names, StandardCharsets.UTF_8);
        return n;
    }

    /**
     * A checkpoint directory as given, or the one a run's {@code checkpoints/latest} pointer names
     * when given the run directory, its {@code checkpoints} directory or the pointer file.
     */
    static Path resolveCheckpoint(Path given) throws IOException {
        if (Files.isDirectory(given) && Files.exists(given.resolve(CheckpointFiles.CONFIG_FILE))) {
            return given;
        }
        Path runDir;
        if (Files.isRegularFile(given) && given.getFileName().toString().equals(CheckpointLayout.LATEST)) {
            runDir = given.toAbsolutePath().getParent().getParent();
        } else if (Files.isRegularFile(given.resolve(CheckpointLayout.LATEST))) {
            runDir = given.toAbsolutePath().getParent();
        } else {
            runDir = given;
        }
        CheckpointLayout layout = new CheckpointLayout(runDir);
        return layout.latest().orElseThrow(() -> new java.nio.file.NoSuchFileException(given.toString(), null,
                "not a checkpoint (no " + CheckpointFiles.CONFIG_FILE + ") and no " + layout.root().resolve(CheckpointLayout.LATEST)));
    }

    /** Image files directly in {@code dir} (by extension), sorted by file name. */
    static List<Path> listImages(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        int dot = name.lastIndexOf('.');
                        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
                    })
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        }
    }

    private int[] tokenize(ModelConfig cfg) throws IOException {
        Tokenizer tokenizer = loadTokenizer();
        if (tokenizer.vocabSize() > cfg.vocabSize()) {
            throw usage("tokenizer vocabulary is larger than the model's: tokenizerVocab=" + tokenizer.vocabSize()
                    + ", modelVocab=" + cfg.vocabSize());
        }
        List<String> lines = Files.readAllLines(texts, StandardCharsets.UTF_8);
        int t = cfg.contextLength();
        int[] tokens = new int[lines.size() * t];
        for (int i = 0; i < lines.size(); i++) {
            System.arraycopy(tokenizer.encode(lines.get(i), t), 0, tokens, i * t, t);
        }
        return tokens;
    }

    private Tokenizer loadTokenizer() throws IOException {
        if (tokenizerPath == null) {
            if (checkpoint == null) {
                throw usage("--texts needs a tokenizer: give --tokenizer DIR|FILE (or use --token-ids)");
            }
            return ClipCheckpoint.tokenizer(checkpoint).orElseThrow(() -> usage("no tokenizer saved with the checkpoint "
                    + checkpoint + ": give --tokenizer DIR|FILE or use --token-ids"));
        }
        if (Files.isDirectory(tokenizerPath)) {
            return BpeTokenizer.load(tokenizerPath);
        }
        return BpeTokenizer.loadClipMerges(tokenizerPath, BpeTokenizer.CLIP_MERGES);
    }

    private int[] readTokenIds(ModelConfig cfg) throws IOException {
        List<String> lines = Files.readAllLines(tokenIds, StandardCharsets.UTF_8);
        int t = cfg.contextLength();
        int[] tokens = new int[lines.size() * t];
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String[] parts = line.isEmpty() ? new String[0] : line.split("\\s+");
            if (parts.length > t) {
                throw usage("token line longer than the context length: line=" + (i + 1) + ", tokens=" + parts.length
                        + ", contextLength=" + t);
            }
            for (int j = 0; j < parts.length; j++) {
                int id;
                try {
                    id = Integer.parseInt(parts[j]);
                } catch (NumberFormatException e) {
                    throw usage("not a token id: line=" + (i + 1) + ", value=" + parts[j]);
                }
                if (id < 0 || id >= cfg.vocabSize()) {
                    throw usage("token id out of range: line=" + (i + 1) + ", id=" + id + ", vocabSize=" + cfg.vocabSize());
                }
                tokens[i * t + j] = id;
            }
        }
        return tokens;
    }
}

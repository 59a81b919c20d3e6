package io.ringclip.trainer.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where checkpoints live in a run directory:
 * <pre>
 *   OUT/checkpoints/step-000200/   one complete checkpoint (written under a temp name, then renamed)
 *   OUT/checkpoints/latest         text file: the name of the newest complete checkpoint ("step-000200")
 * </pre>
 * A checkpoint directory appears under its final name only once every file in it is written
 * (rename of the directory), and {@code latest} is replaced atomically after that, so a crash at
 * any point leaves {@code latest} naming a complete checkpoint.
 */
public final class CheckpointLayout {

    public static final String LATEST = "latest";
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{6,})");

    private final Path root;

    public CheckpointLayout(Path outDir) {
        this.root = outDir.resolve("checkpoints");
    }

    public Path root() {
        return root;
    }

    public Path stepDir(int step) {
        return root.resolve(String.format("step-%06d", step));
    }

    /** A fresh temp directory beside the final one, to be {@link #commit committed} when complete. */
    public Path begin(int step) throws IOException {
        Files.createDirectories(root);
        return Files.createTempDirectory(root, ".tmp-step-" + step + "-");
    }

    /** Renames {@code temp} to the step's directory (replacing an older one) and points {@code latest} at it. */
    public Path commit(Path temp, int step) throws IOException {
        Path target = stepDir(step);
        if (Files.exists(target)) {
            deleteRecursively(target);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        Path tmpLatest = root.resolve("." + LATEST + ".tmp");
        Files.writeString(tmpLatest, target.getFileName().toString() + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmpLatest, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmpLatest, root.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** The checkpoint {@code latest} names, if any. */
    public Optional<Path> latest() throws IOException {
        Path pointer = root.resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            return Optional.empty();
        }
        String name = Files.readString(pointer, StandardCharsets.UTF_8).trim();
        if (!STEP_DIR.matcher(name).matches()) {
            throw new IOException("corrupt checkpoint pointer: file=" + pointer + ", content=" + name);
        }
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IOException("checkpoint pointer names a missing directory: file=" + pointer + ", dir=" + dir);
        }
        return Optional.of(dir);
    }

    /**
     * Resolves {@code --resume}: "latest" → the newest checkpoint of this run (error if none),
     * anything else → that directory (error if it does not exist).
     */
    public Path resolveResume(String resume) throws IOException {
        if (LATEST.equals(resume)) {
            return latest().orElseThrow(() -> new IOException("nothing to resume: no checkpoint under dir=" + root));
        }
        Path dir = Path.of(resume);
        if (!Files.isDirectory(dir)) {
            throw new IOException("resume checkpoint not found: dir=" + dir);
        }
        return dir;
    }

    /** Step number of a {@code step-NNNNNN} directory name, or -1. */
    public static int stepOf(Path dir) {
        Matcher m = STEP_DIR.matcher(dir.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

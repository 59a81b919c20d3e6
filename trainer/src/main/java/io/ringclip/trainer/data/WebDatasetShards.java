package io.ringclip.trainer.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * WebDataset tar shards ({@code wds:data/shards-{000..009}.tar}): files that share a key (the
 * path up to the first dot of the file name) form one sample, e.g. {@code 000123.jpg} +
 * {@code 000123.txt} (+ optional {@code 000123.cls} with an integer label).
 *
 * <p>Opening streams once through every shard with {@link TarReader}, keeping captions in memory
 * and only the offset and length of each image. {@link #get} then reads one image by positional
 * read, so the sampler's global permutation works across shards. A sample without an image or a
 * caption stays in the index as a bad sample; a shard whose tar structure breaks is indexed up to
 * the break, with a warning.
 */
public final class WebDatasetShards implements DataSource {

    private static final System.Logger LOG = System.getLogger(WebDatasetShards.class.getName());
    private static final List<String> IMAGE_EXTENSIONS = List.of("jpg", "jpeg", "png");
    /** Captions larger than this are not captions: treat the sample as bad rather than load it. */
    private static final int MAX_TEXT_BYTES = 1 << 16;

    private final String pattern;
    private final List<Path> shards;
    private final List<Sample> samples;
    private final FileChannel[] channels;

    /** One sample: where its image lies, its caption and label, or what is wrong with it. */
    record Sample(String key, int shard, long imageOffset, long imageLength, String caption, int label, String problem) {}

    private WebDatasetShards(String pattern, List<Path> shards, List<Sample> samples) {
        this.pattern = pattern;
        this.shards = shards;
        this.samples = samples;
        this.channels = new FileChannel[shards.size()];
    }

    public static WebDatasetShards open(String pattern) {
        if (pattern.endsWith(".gz") || pattern.endsWith(".tgz")) {
            throw new IllegalArgumentException("compressed shards are not supported (images need random access): "
                    + "pattern=" + pattern);
        }
        List<Path> shards = BraceExpansion.expand(pattern).stream().map(Path::of).toList();
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < shards.size(); s++) {
            indexShard(shards.get(s), s, samples);
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples in shards: pattern=" + pattern + ", shards=" + shards.size());
        }
        return new WebDatasetShards(pattern, shards, List.copyOf(samples));
    }

    /** Streams through one shard, grouping entries by key in order of appearance. */
    private static void indexShard(Path shard, int shardIndex, List<Sample> out) {
        Map<String, SampleBuilder> byKey = new LinkedHashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16)) {
            TarReader tar = new TarReader(in, shard.toString());
            try {
                for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
                    addEntry(tar, entry, byKey.computeIfAbsent(key(entry.name()), SampleBuilder::new));
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "tar shard broken, indexed up to the break: shard=" + shard
                        + ", samples=" + byKey.size() + ", error=" + e.getMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard: shard=" + shard, e);
        }
        byKey.values().forEach(b -> out.add(b.build(shardIndex)));
    }

    private static void addEntry(TarReader tar, TarReader.Entry entry, SampleBuilder sample) throws IOException {
        String extension = extension(entry.name());
        if (IMAGE_EXTENSIONS.contains(extension)) {
            sample.imageOffset = entry.dataOffset();
            sample.imageLength = entry.size();
        } else if (extension.equals("txt") || extension.equals("cls")) {
            if (entry.size() > MAX_TEXT_BYTES) {
                sample.problem = "text entry too large: entry=" + entry.name() + ", size=" + entry.size();
                return;
            }
            String text = new String(tar.readData(), StandardCharsets.UTF_8).strip();
            if (extension.equals("txt")) {
                sample.caption = text;
            } else {
                try {
                    sample.label = Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    sample.problem = "bad class label: entry=" + entry.name() + ", text=" + text;
                }
            }
        }
    }

    /** webdataset's convention: the key is the path up to the first dot of the file name. */
    static String key(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        return dot < 0 ? name : name.substring(0, dot);
    }

    static String extension(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.indexOf('.', slash + 1);
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public Example get(int index) {
        Sample sample = usable(index);
        Path shard = shards.get(sample.shard());
        try {
            ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(sample.imageLength()));
            FileChannel channel = channel(sample.shard());
            long position = sample.imageOffset();
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new BadSampleException("shard ended inside an image: shard=" + shard + ", key=" + sample.key());
                }
                position += n;
            }
            return new Example(new EncodedImage(buffer.array(), shard + ":" + sample.key()), sample.caption(),
                    sample.label());
        } catch (IOException e) {
            throw new BadSampleException("cannot read image: shard=" + shard + ", key=" + sample.key() + ", error=" + e, e);
        }
    }

    @Override
    public String caption(int index) {
        return usable(index).caption();
    }

    private Sample usable(int index) {
        Sample sample = samples.get(index);
        if (sample.problem() != null) {
            throw new BadSampleException("bad webdataset sample: shard=" + shards.get(sample.shard()) + ", key="
                    + sample.key() + ", reason=" + sample.problem());
        }
        return sample;
    }

    /** Positional reads on one shared channel per shard are thread-safe. */
    private synchronized FileChannel channel(int shard) throws IOException {
        if (channels[shard] == null) {
            channels[shard] = FileChannel.open(shards.get(shard), StandardOpenOption.READ);
        }
        return channels[shard];
    }

    @Override
    public String describe() {
        return "wds(pattern=" + pattern + ", shards=" + shards.size() + ", samples=" + samples.size() + ")";
    }

    @Override
    public synchronized void close() {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                try {
                    channels[i].close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot close shard: shard=" + shards.get(i) + ", error=" + e);
                }
                channels[i] = null;
            }
        }
    }

    /** Collects one key's entries while a shard is streamed. */
    private static final class SampleBuilder {
        private final String key;
        private long imageOffset = -1;
        private long imageLength;
        private String caption;
        private int label = -1;
        private String problem;

        SampleBuilder(String key) {
            this.key = key;
        }

        Sample build(int shard) {
            String reason = problem != null ? problem
                    : imageOffset < 0 ? "no image entry (.jpg/.jpeg/.png)"
                    : caption == null || caption.isEmpty() ? "no caption entry (.txt)"
                    : null;
            return new Sample(key, shard, imageOffset, imageLength, caption, label, reason);
        }
    }
}

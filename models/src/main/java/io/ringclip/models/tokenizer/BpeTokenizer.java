package io.ringclip.models.tokenizer;

import io.ringclip.models.io.AtomicFiles;
import io.ringclip.models.io.Json;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's byte-level BPE tokenizer. Text is {@link ClipText cleaned and pre-tokenised}, each
 * pre-token's UTF-8 bytes become {@link ByteUnicode} characters with {@code </w>} appended to the
 * last one, and merges are applied lowest rank first. Any text encodes: every byte has a token.
 *
 * <p>Vocabulary (ids), exactly as CLIP builds it from a merges file:
 * <pre>
 *   [0, 256)        the 256 byte characters, in {@link ByteUnicode#BASE_ORDER}
 *   [256, 512)      the same characters + "&lt;/w&gt;" (a byte ending a word)
 *   [512, 512+M)    one entry per merge, in rank order: a + b
 *   512+M           &lt;start_of_text&gt;
 *   512+M+1         &lt;end_of_text&gt;  (the highest id, as the text tower's argmax pooling needs)
 * </pre>
 * With CLIP's file and M = 48,894 merges, vocabSize = 49,408. Thread-safe: immutable apart from
 * a bounded cache of encoded words.
 */
public final class BpeTokenizer implements Tokenizer {

    public static final String END_OF_WORD = "</w>";
    public static final String START_OF_TEXT = "<start_of_text>";
    public static final String END_OF_TEXT = "<end_of_text>";
    /** Merges CLIP uses from {@code bpe_simple_vocab_16e6.txt}: 49152 - 256 - 2. */
    public static final int CLIP_MERGES = 48_894;
    /** Files written by {@link #save} and read by {@link #load}. */
    public static final String MERGES_FILE = "merges.txt";
    public static final String VOCAB_FILE = "vocab.json";
    static final int BASE_VOCAB = 512;
    private static final int CACHE_LIMIT = 100_000;

    private final List<String[]> merges;
    private final String[] vocab;
    private final Map<String, Integer> encoder;
    private final Map<String, Integer> mergeRanks;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeTokenizer(List<String[]> merges) {
        this.merges = List.copyOf(merges);
        this.vocab = new String[BASE_VOCAB + merges.size() + 2];
        int id = 0;
        for (int b : ByteUnicode.BASE_ORDER) {
            vocab[id++] = String.valueOf(ByteUnicode.charOf(b));
        }
        for (int b : ByteUnicode.BASE_ORDER) {
            vocab[id++] = ByteUnicode.charOf(b) + END_OF_WORD;
        }
        this.mergeRanks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            vocab[id++] = m[0] + m[1];
            mergeRanks.putIfAbsent(m[0] + ' ' + m[1], rank);
        }
        vocab[id++] = START_OF_TEXT;
        vocab[id] = END_OF_TEXT;
        // A later duplicate string wins, as in CLIP's dict(zip(vocab, range(len(vocab)))).
        this.encoder = new HashMap<>(vocab.length * 2);
        for (int i = 0; i < vocab.length; i++) {
            encoder.put(vocab[i], i);
        }
    }

    /** A tokenizer from merges in rank order, each {@code {a, b}} of byte-level symbols. */
    public static BpeTokenizer fromMerges(List<String[]> merges) {
        for (int i = 0; i < merges.size(); i++) {
            String[] m = merges.get(i);
            if (m.length != 2 || m[0].isEmpty() || m[1].isEmpty() || (m[0] + m[1]).contains(" ")) {
                throw new IllegalArgumentException("bad merge: rank=" + i + ", merge=" + String.join(" | ", m));
            }
        }
        return new BpeTokenizer(merges);
    }

    /**
     * Loads a CLIP merges file ({@code bpe_simple_vocab_16e6.txt}, or {@code .gz}): one header line
     * (skipped), then "a b" lines; the first {@code maxMerges} are used ({@link #CLIP_MERGES} for CLIP).
     */
    public static BpeTokenizer loadClipMerges(Path file, int maxMerges) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT)))) {
            return fromMerges(readMerges(file, reader, maxMerges));
        }
    }

    /** Loads a tokenizer saved by {@link #save}: {@code DIR/merges.txt}, checked against {@code DIR/vocab.json} if present. */
    public static BpeTokenizer load(Path dir) throws IOException {
        Path mergesFile = dir.resolve(MERGES_FILE);
        if (!Files.exists(mergesFile)) {
            throw new java.nio.file.NoSuchFileException(mergesFile.toString(), null, "no tokenizer here, expected " + MERGES_FILE);
        }
        BpeTokenizer tok = loadClipMerges(mergesFile, Integer.MAX_VALUE);
        Path vocabFile = dir.resolve(VOCAB_FILE);
        if (Files.exists(vocabFile)) {
            Map<String, Object> saved = Json.parseObject(Files.readString(vocabFile));
            Map<String, Object> derived = tok.vocabJson();
            if (!saved.equals(derived)) {
                throw new IOException("vocab.json does not match merges.txt: vocabJsonSize=" + saved.size()
                        + ", derivedSize=" + derived.size() + ", dir=" + dir);
            }
        }
        return tok;
    }

    private static List<String[]> readMerges(Path file, BufferedReader reader, int maxMerges) throws IOException {
        List<String[]> merges = new ArrayList<>();
        String header = reader.readLine();
        if (header == null) {
            throw new IOException("empty merges file: file=" + file);
        }
        String line;
        int lineNo = 1;
        while (merges.size() < maxMerges && (line = reader.readLine()) != null) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IOException("bad merge line, expected \"a b\": line=" + lineNo + ", text=" + line + ", file=" + file);
            }
            merges.add(parts);
        }
        return merges;
    }

    /** Writes {@code DIR/merges.txt} (CLIP format) and {@code DIR/vocab.json} (token → id), atomically. */
    public void save(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("#version: 0.2 (ringclip byte-level BPE, CLIP format)\n");
        for (String[] m : merges) {
            sb.append(m[0]).append(' ').append(m[1]).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(MERGES_FILE), sb.toString());
        AtomicFiles.writeString(dir.resolve(VOCAB_FILE), Json.writePretty(vocabJson()));
    }

    private Map<String, Object> vocabJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        for (int id = 0; id < vocab.length; id++) {
            if (encoder.get(vocab[id]) == id) {
                json.put(vocab[id], (long) id);
            }
        }
        return json;
    }

    @Override
    public int[] encode(String text, int contextLength) {
        if (contextLength < 2) {
            throw new IllegalArgumentException("contextLength must hold sot and eot: contextLength=" + contextLength);
        }
        int[] body = encodeOrdinary(text);
        int[] out = new int[contextLength]; // zero padding
        out[0] = startOfText();
        int n = Math.min(body.length, contextLength - 2);
        System.arraycopy(body, 0, out, 1, n);
        out[n + 1] = endOfText(); // truncation keeps eot, as open_clip's tokenize() does
        return out;
    }

    @Override
    public int[] encodeOrdinary(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String token : ClipText.preTokens(ClipText.clean(text))) {
            int[] ids = encodeWord(token);
            parts.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int pos = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private int[] encodeWord(String preToken) {
        int[] cached = cache.get(preToken);
        if (cached != null) {
            return cached;
        }
        List<String> word = bpe(ByteUnicode.encode(preToken.getBytes(StandardCharsets.UTF_8)));
        int[] ids = new int[word.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = encoder.get(word.get(i));
            if (id == null) {
                throw new IllegalStateException("BPE produced a symbol outside the vocabulary: symbol=" + word.get(i));
            }
            ids[i] = id;
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(preToken, ids);
        return ids;
    }

    /** Applies merges to one word, lowest rank first, every occurrence of the chosen pair at once (CLIP's bpe()). */
    private List<String> bpe(String chars) {
        List<String> word = new ArrayList<>(chars.length());
        for (int i = 0; i < chars.length() - 1; i++) {
            word.add(String.valueOf(chars.charAt(i)));
        }
        word.add(chars.charAt(chars.length() - 1) + END_OF_WORD);
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestA = null;
            String bestB = null;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = mergeRanks.get(word.get(i) + ' ' + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestA = word.get(i);
                    bestB = word.get(i + 1);
                }
            }
            if (bestA == null) {
                break;
            }
            List<String> merged = new ArrayList<>(word.size());
            for (int i = 0; i < word.size(); i++) {
                if (i < word.size() - 1 && word.get(i).equals(bestA) && word.get(i + 1).equals(bestB)) {
                    merged.add(bestA + bestB);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word = merged;
        }
        return word;
    }

    /**
     * Text from ids: sot and padding before it are skipped, decoding stops at the first eot, and a
     * {@code </w>} token ends a word with a space. Invalid UTF-8 (a sequence cut by truncation)
     * becomes U+FFFD.
     */
    @Override
    public String decode(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id < 0 || id >= vocab.length) {
                throw new IllegalArgumentException("token id out of range: id=" + id + ", vocabSize=" + vocab.length);
            }
            if (id == endOfText()) {
                break;
            }
            if (id == startOfText()) {
                bytes.reset(); // anything before sot is padding
                continue;
            }
            String token = vocab[id];
            if (token.endsWith(END_OF_WORD)) {
                ByteUnicode.decode(token.substring(0, token.length() - END_OF_WORD.length()), bytes);
                bytes.write(' ');
            } else {
                ByteUnicode.decode(token, bytes);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8).strip();
    }

    @Override
    public int vocabSize() {
        return vocab.length;
    }

    @Override
    public int startOfText() {
        return vocab.length - 2;
    }

    @Override
    public int endOfText() {
        return vocab.length - 1;
    }

    /** The merges in rank order (each {a, b}). */
    public List<String[]> merges() {
        List<String[]> copy = new ArrayList<>(merges.size());
        for (String[] m : merges) {
            copy.add(m.clone());
        }
        return Collections.unmodifiableList(copy);
    }

    /** The token string of an id (byte characters, possibly ending in {@code </w>}). */
    public String token(int id) {
        return vocab[id];
    }
}

package io.ringclip.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTokenizerTest {

    /** A merges file in CLIP's format: header, then "a b" lines in rank order. */
    private static final String MERGES = """
            #version: 0.2
            h e
            l l
            he ll
            hell o</w>
            d o
            do g</w>
            c a
            ca t</w>
            """;

    @TempDir
    Path dir;

    private BpeTokenizer small() throws IOException {
        Path file = dir.resolve("bpe_small.txt");
        Files.writeString(file, MERGES);
        return BpeTokenizer.loadClipMerges(file, BpeTokenizer.CLIP_MERGES);
    }

    @Test
    void shouldMapBytesLikeClip() {
        Set<Character> chars = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            chars.add(ByteUnicode.charOf(b));
        }
        assertEquals(256, chars.size());
        assertEquals('\u0120', ByteUnicode.charOf(' '));
        assertEquals('a', ByteUnicode.charOf('a'));
        assertEquals('\u0100', ByteUnicode.charOf(0));
        assertEquals('!', ByteUnicode.charOf(ByteUnicode.BASE_ORDER[0]));
    }

    @Test
    void shouldBuildClipsVocabularyLayoutFromAMergesFile() throws IOException {
        BpeTokenizer tok = small();
        assertEquals(512 + 8 + 2, tok.vocabSize());
        assertEquals(tok.vocabSize() - 1, tok.endOfText());
        assertEquals(tok.vocabSize() - 2, tok.startOfText());
        // Same ids CLIP's vocabulary has for these: "!" = 0, "a" = 64, "a</w>" = 320.
        assertEquals("!", tok.token(0));
        assertEquals("a", tok.token(64));
        assertEquals("a</w>", tok.token(320));
        assertEquals("he", tok.token(512));
        assertEquals("hello</w>", tok.token(515));
        assertEquals(BpeTokenizer.END_OF_TEXT, tok.token(tok.endOfText()));
    }

    @Test
    void shouldApplyMergesByRank() throws IOException {
        BpeTokenizer tok = small();
        assertArrayEquals(new int[] {515, 515}, tok.encodeOrdinary("Hello   HELLO"));
        assertArrayEquals(new int[] {517, 519}, tok.encodeOrdinary("dog cat"));
        // "cats": ca + t + s</w> — "ca t</w>" cannot apply mid-word.
        assertArrayEquals(new int[] {518, 't' - 33, 256 + 's' - 33}, tok.encodeOrdinary("cats"));
        assertArrayEquals(new int[] {517, 256 + ',' - 33, 519}, tok.encodeOrdinary("dog, cat"));
    }

    @Test
    void shouldPadAndKeepEotWhenTruncating() throws IOException {
        BpeTokenizer tok = small();
        int sot = tok.startOfText();
        int eot = tok.endOfText();
        assertArrayEquals(new int[] {sot, 517, 519, eot, 0, 0}, tok.encode("dog cat", 6));
        assertArrayEquals(new int[] {sot, 517, eot}, tok.encode("dog cat dog cat", 3));
        assertArrayEquals(new int[] {sot, eot}, tok.encode("dog cat", 2));
        assertArrayEquals(new int[] {sot, eot, 0}, tok.encode("   ", 3));
        assertThrows(IllegalArgumentException.class, () -> tok.encode("x", 1));
    }

    @Test
    void shouldRoundTripAnyUnicodeTextUpToWordSpacing() throws IOException {
        BpeTokenizer tok = small();
        String[] texts = {"Hello, World!", "naïve café déjà-vu", "東京タワー at 12:30", "emoji 🙂🐕 and \t tabs\n",
                "control \u0001 chars", "it's a dog's life", "Ünïcödé ÅNGSTRÖM", "&amp; &lt;b&gt; &#39;quoted&#39;"};
        for (String text : texts) {
            int[] ids = tok.encode(text, 200);
            String decoded = tok.decode(ids);
            String expected = ClipText.clean(text);
            assertEquals(expected.replace(" ", ""), decoded.replace(" ", ""), text);
        }
        assertEquals("hello , world !", tok.decode(tok.encode("Hello, World!", 16)));
        // HTML entities are unescaped twice, as CLIP's basic_clean does.
        assertEquals("& < b >", tok.decode(tok.encode("&amp;amp; &lt;b&gt;", 32)));
    }

    @Test
    void shouldReplaceAUtf8SequenceCutByTruncation() throws IOException {
        BpeTokenizer tok = small();
        int[] ids = tok.encode("🙂", 4); // 4 bytes, room for 2
        assertEquals("\uFFFD", tok.decode(ids));
    }

    @Test
    void shouldLoadGzippedMergesAndHonourMaxMerges() throws IOException {
        Path gz = dir.resolve("bpe_simple_vocab_16e6.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(MERGES.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(512 + 8 + 2, BpeTokenizer.loadClipMerges(gz, BpeTokenizer.CLIP_MERGES).vocabSize());
        BpeTokenizer first4 = BpeTokenizer.loadClipMerges(gz, 4);
        assertEquals(512 + 4 + 2, first4.vocabSize());
        assertArrayEquals(new int[] {515}, first4.encodeOrdinary("hello"));
        assertEquals(3, first4.encodeOrdinary("dog").length); // d o g</w>: its merges are not loaded
    }

    @Test
    void shouldRejectABadMergeLineWithItsLineNumber() throws IOException {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "#version: 0.2\nh e\nthree parts here\n");
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.loadClipMerges(file, 100));
        assertTrue(e.getMessage().contains("line=3"), e.getMessage());
    }

    @Test
    void shouldSaveAndLoadIdentically() throws IOException {
        BpeTokenizer tok = small();
        Path out = dir.resolve("tok");
        tok.save(out);
        BpeTokenizer loaded = BpeTokenizer.load(out);
        assertEquals(tok.vocabSize(), loaded.vocabSize());
        assertArrayEquals(tok.encode("hello dog, cat! 🙂", 20), loaded.encode("hello dog, cat! 🙂", 20));

        Files.writeString(out.resolve(BpeTokenizer.VOCAB_FILE), "{\"a\": 1}");
        IOException e = assertThrows(IOException.class, () -> BpeTokenizer.load(out));
        assertTrue(e.getMessage().contains("vocab.json does not match"), e.getMessage());
        assertThrows(IOException.class, () -> BpeTokenizer.load(dir.resolve("nowhere")));
    }

    @Test
    void shouldDecodeFromSotToEotSkippingPadding() throws IOException {
        BpeTokenizer tok = small();
        assertEquals("dog cat", tok.decode(new int[] {tok.startOfText(), 517, 519, tok.endOfText(), 0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {tok.vocabSize()}));
    }

    @Test
    void shouldNotTurnSpecialTokenTextIntoSpecialIds() throws IOException {
        BpeTokenizer tok = small();
        for (int id : tok.encodeOrdinary("a <|endoftext|> b <end_of_text>")) {
            assertTrue(id < tok.startOfText(), "id=" + id);
        }
        assertEquals(List.of("it", "'s", "a", "dog", "'s", "2", "0", "2", "6", "!?"),
                ClipText.preTokens(ClipText.clean("It's a dog's 2026!?")));
    }
}

package io.ringclip.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {

    @TempDir
    Path dir;

    private static List<String> captions(long seed, int n) {
        String[] colors = {"red", "green", "blue", "black", "white", "striped", "dotted"};
        String[] things = {"dog", "cat", "shirt", "sneaker", "bag", "trouser", "pullover", "sandal", "coat", "ankle boot"};
        String[] templates = {"a photo of a %s %s.", "A %s %s on a table", "the %s %s, seen from above", "%s %s!!"};
        Random rnd = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format(templates[rnd.nextInt(templates.length)],
                    colors[rnd.nextInt(colors.length)], things[rnd.nextInt(things.length)]));
        }
        return out;
    }

    @Test
    void shouldReachTheTargetVocabularyWithEotHighest() {
        BpeTokenizer tok = BpeTrainer.train(captions(1, 3000), 560, 1);
        assertEquals(560, tok.vocabSize());
        assertEquals(559, tok.endOfText());
        assertEquals(558, tok.startOfText());
        // The most frequent words become single tokens; rare ones stay split.
        assertEquals(1, tok.encodeOrdinary("photo").length);
        assertEquals("photo</w>", tok.token(tok.encodeOrdinary("photo")[0]));
        assertTrue(tok.encodeOrdinary("zebra").length > 1);
        assertEquals("a photo of a red sneaker .", tok.decode(tok.encode("A photo of a red sneaker.", 77)));
    }

    @Test
    void shouldStopEarlyWhenNoPairRepeats() {
        BpeTokenizer tok = BpeTrainer.train(List.of("ab ab ab", "cd"), 1000);
        // Only "a b</w>" occurs twice or more: one merge.
        assertEquals(512 + 1 + 2, tok.vocabSize());
        assertEquals("ab</w>", tok.token(512));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.train(List.of("x"), 513));
    }

    @Test
    void shouldNotDependOnCorpusOrder() {
        List<String> corpus = captions(2, 500);
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(9));
        assertMergesEqual(BpeTrainer.train(corpus, 700).merges(), BpeTrainer.train(shuffled, 700).merges());
    }

    /** The incremental trainer against a plain one that recounts every pair before each merge. */
    @Test
    void shouldLearnTheSameMergesAsANaiveRecountingTrainer() {
        Random rnd = new Random(5);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 1 + rnd.nextInt(6); w++) {
                for (int c = 0; c < 1 + rnd.nextInt(7); c++) {
                    sb.append("aabbcé🙂".charAt(rnd.nextInt(6)));
                }
                sb.append(rnd.nextInt(4) == 0 ? ", " : " ");
            }
            corpus.add(sb.toString());
        }
        for (int min : new int[] {1, 3}) {
            List<String[]> fast = BpeTrainer.train(corpus, 512 + 2 + 80, min).merges();
            List<String[]> naive = naiveMerges(corpus, 80, min);
            assertMergesEqual(naive, fast);
        }
    }

    @Test
    void shouldSaveATrainedTokenizerAndLoadItBack() throws IOException {
        BpeTokenizer tok = BpeTrainer.train(captions(3, 800), 1000);
        tok.save(dir);
        BpeTokenizer loaded = BpeTokenizer.load(dir);
        assertEquals(tok.vocabSize(), loaded.vocabSize());
        for (String c : captions(4, 50)) {
            assertArrayEquals(tok.encode(c, 32), loaded.encode(c, 32), c);
        }
        assertTrue(java.nio.file.Files.readString(dir.resolve(BpeTokenizer.MERGES_FILE)).startsWith("#version"));
    }

    private static void assertMergesEqual(List<String[]> expected, List<String[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "merge rank=" + i);
        }
    }

    /** Reference: recount all pairs of all words before every merge; same tie-break. */
    private static List<String[]> naiveMerges(List<String> corpus, int maxMerges, int minPairCount) {
        Map<List<String>, Integer> words = new HashMap<>();
        for (String caption : corpus) {
            for (String token : ClipText.preTokens(ClipText.clean(caption))) {
                String chars = ByteUnicode.encode(token.getBytes(StandardCharsets.UTF_8));
                List<String> word = new ArrayList<>();
                for (int i = 0; i < chars.length(); i++) {
                    word.add(chars.charAt(i) + (i == chars.length() - 1 ? BpeTokenizer.END_OF_WORD : ""));
                }
                words.merge(word, 1, Integer::sum);
            }
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            Map<List<String>, Long> counts = new HashMap<>();
            words.forEach((w, f) -> {
                for (int i = 0; i < w.size() - 1; i++) {
                    counts.merge(List.of(w.get(i), w.get(i + 1)), (long) f, Long::sum);
                }
            });
            List<String> best = null;
            long bestCount = 0;
            for (Map.Entry<List<String>, Long> e : counts.entrySet()) {
                List<String> p = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestCount || (c == bestCount && (p.get(0).compareTo(best.get(0)) < 0
                        || (p.get(0).equals(best.get(0)) && p.get(1).compareTo(best.get(1)) < 0)))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < minPairCount) {
                break;
            }
            merges.add(new String[] {best.get(0), best.get(1)});
            Map<List<String>, Integer> next = new HashMap<>();
            for (Map.Entry<List<String>, Integer> e : words.entrySet()) {
                List<String> w = e.getKey();
                List<String> out = new ArrayList<>();
                for (int i = 0; i < w.size(); i++) {
                    if (i < w.size() - 1 && w.get(i).equals(best.get(0)) && w.get(i + 1).equals(best.get(1))) {
                        out.add(best.get(0) + best.get(1));
                        i++;
                    } else {
                        out.add(w.get(i));
                    }
                }
                next.merge(out, e.getValue(), Integer::sum);
            }
            words = next;
        }
        return merges;
    }
}

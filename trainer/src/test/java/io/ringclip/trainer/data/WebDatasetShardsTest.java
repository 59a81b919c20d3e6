package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.models.image.ImageDecodeException;
import io.ringclip.models.image.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class WebDatasetShardsTest {

    @TempDir
    Path dir;

    private static final String LONG_DIR = "a-directory-name-that-is-long/".repeat(4);

    private void writeShards() throws IOException {
        byte[] shard0 = new TarWriter()
                .add("000001.jpg", TestImages.encode("jpg", 12, 8, 0xFF0000))
                .addText("000001.txt", "a red photo\n")
                .add("000002.png", TestImages.encode("png", 5, 5, 0x00FF00))
                .addText("000002.txt", "a green square")
                .addText("000002.cls", "3")
                .finish();
        byte[] shard1 = new TarWriter()
                .add("000003.png", new byte[] {1, 2, 3, 4, 5}) // corrupt image
                .addText("000003.txt", "a broken picture")
                .add(LONG_DIR + "000004.jpeg", TestImages.encode("jpg", 7, 9, 0x0000FF)) // ustar prefix
                .addText(LONG_DIR + "000004.txt", "a blue photo")
                .addText("000005.txt", "a caption without an image")
                .finish();
        Files.write(dir.resolve("shards-000.tar"), shard0);
        Files.write(dir.resolve("shards-001.tar"), shard1);
    }

    @Test
    void shouldGroupTarEntriesByKeyAcrossBraceExpandedShards() throws IOException {
        writeShards();
        try (DataSource wds = DataSources.open("wds:" + dir + "/shards-{000..001}.tar", Split.TRAIN, 8, 3, 0)) {
            assertEquals(5, wds.size());
            assertEquals("a red photo", wds.caption(0));
            assertEquals(-1, wds.get(0).label());
            Example green = wds.get(1);
            assertEquals(3, green.label());
            ImagePreprocessor decoder = new ImagePreprocessor(TestImages.unnormalised(5, 3));
            float[] image = decoder.decode(((EncodedImage) green.image()).bytes());
            assertEquals(1.0f, image[25], 1e-6f); // green plane of a green 5×5 PNG
            assertEquals(0.0f, image[0], 1e-6f); // red plane
            assertThrows(ImageDecodeException.class, () -> decoder.decode(((EncodedImage) wds.get(2).image()).bytes()));
            assertEquals("a blue photo", wds.get(3).caption());
            BadSampleException noImage = assertThrows(BadSampleException.class, () -> wds.get(4));
            assertTrue(noImage.getMessage().contains("no image entry"), noImage.getMessage());
            assertEquals(List.of("a red photo", "a green square", "a broken picture", "a blue photo"),
                    CaptionCorpus.captions(wds));
        }
    }

    @Test
    void shouldSkipTheCorruptEntryInTheLoader() throws IOException {
        writeShards();
        ByteTokenizer tokenizer = new ByteTokenizer();
        int context = 32;
        LoaderOptions options = LoaderOptions.builder().batchPerRank(5).image(8, 3).contextLength(context)
                .decodeThreads(2).prefetchBatches(1).build();
        try (DataSource wds = WebDatasetShards.open(dir + "/shards-{000..001}.tar");
                DataLoader loader = DataLoader.open(wds, tokenizer, options)) {
            Batch batch = loader.next();
            List<String> captions = new ArrayList<>();
            for (int slot = 0; slot < 5; slot++) {
                captions.add(tokenizer.decode(Arrays.copyOfRange(batch.tokens(), slot * context, (slot + 1) * context)));
            }
            // Sample 2 (corrupt) → 3; sample 4 (no image) wraps around → 0.
            assertEquals(List.of("a blue photo", "a blue photo", "a green square", "a red photo", "a red photo"),
                    captions.stream().sorted().toList());
            assertTrue(loader.skippedCount() >= 2, "skipped=" + loader.skippedCount());
        }
    }

    @Test
    void shouldIndexABrokenShardUpToTheBreak() throws IOException {
        byte[] tar = new TarWriter()
                .add("a.png", TestImages.encode("png", 2, 2, 0))
                .addText("a.txt", "first")
                .addText("b.txt", "second")
                .finish();
        tar[512 * 4 + 10] ^= 0x55; // corrupt the header of b.txt (a.png data fits one block)
        Files.write(dir.resolve("broken.tar"), tar);
        try (WebDatasetShards wds = WebDatasetShards.open(dir.resolve("broken.tar").toString())) {
            assertEquals(1, wds.size());
            assertEquals("first", wds.caption(0));
        }
    }

    @Test
    void shouldHonourGnuLongNamesAndPaxPaths() throws IOException {
        String gnuName = "gnu/" + "x".repeat(150) + "/000001.txt";
        String paxName = "pax/" + "y".repeat(150) + "/000001.txt";
        String paxRecord = "path=" + paxName + "\n";
        // A pax record is "<length> <key>=<value>\n" where length counts the whole record.
        int length = paxRecord.length() + 4;
        byte[] tar = new TarWriter()
                .add("././@LongLink", (gnuName + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8), 'L')
                .addText("truncated-name-ignored", "gnu caption")
                .add("PaxHeader", (length + " " + paxRecord).getBytes(java.nio.charset.StandardCharsets.UTF_8), 'x')
                .addText("truncated-too", "pax caption")
                .add("a-directory/", new byte[0], '5')
                .finish();
        TarReader reader = new TarReader(new java.io.ByteArrayInputStream(tar), "test");
        TarReader.Entry gnu = reader.next();
        assertEquals(gnuName, gnu.name());
        assertEquals("gnu caption", new String(reader.readData(), java.nio.charset.StandardCharsets.UTF_8));
        TarReader.Entry pax = reader.next();
        assertEquals(paxName, pax.name());
        // Blocks: L header, long name, file header, data, x header, pax record, file header, data.
        assertEquals(512 * 7, pax.dataOffset());
        assertEquals(null, reader.next()); // the directory is skipped, then the end-of-archive blocks
    }

    @Test
    void shouldExpandBracesLikeWebDataset() {
        assertEquals(List.of("s-008.tar", "s-009.tar", "s-010.tar"), BraceExpansion.expand("s-{008..010}.tar"));
        assertEquals(List.of("a-1-x", "a-1-y", "b-1-x", "b-1-y"), BraceExpansion.expand("{a,b}-{1..1}-{x,y}"));
        assertEquals(List.of("plain.tar"), BraceExpansion.expand("plain.tar"));
        assertThrows(IllegalArgumentException.class, () -> BraceExpansion.expand("s-{3..1}.tar"));
        assertThrows(IllegalArgumentException.class, () -> BraceExpansion.expand("s-{1..2.tar"));
    }

    @Test
    void shouldDeriveKeysAndExtensionsFromTheFileName() {
        assertEquals("dir.v2/000123", WebDatasetShards.key("dir.v2/000123.seg.jpg"));
        assertEquals("seg.jpg", WebDatasetShards.extension("dir.v2/000123.seg.jpg"));
        assertEquals("", WebDatasetShards.extension("README"));
    }
}

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
class CsvCaptionsTest {

    @TempDir
    Path dir;

    private Path writeDataset() throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/a.png"), TestImages.encode("png", 10, 6, 0xFF0000));
        Files.write(dir.resolve("img/b.jpg"), TestImages.encode("jpg", 6, 10, 0x00FF00));
        Files.write(dir.resolve("img/c.png"), TestImages.encode("png", 4, 4, 0x0000FF));
        Files.write(dir.resolve("img/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        return Files.writeString(dir.resolve("pairs.csv"), """
                filepath,caption\r
                img/a.png,"a red box, with a comma"\r
                img/b.jpg,"a ""quoted"" green box"
                img/broken.png,a corrupt image
                img/missing.png,a missing file
                only-one-column

                img/c.png,"a blue
                box on two lines"
                """);
    }

    @Test
    void shouldParseQuotedFieldsAndKeepBadRowsAsBadSamples() throws IOException {
        try (DataSource csv = DataSources.open("csv:" + writeDataset(), Split.TRAIN, 8, 3, 0)) {
            assertEquals(6, csv.size());
            assertEquals("a red box, with a comma", csv.caption(0));
            assertEquals("a \"quoted\" green box", csv.caption(1));
            assertEquals("a blue\nbox on two lines", csv.caption(5));
            ImagePreprocessor decoder = new ImagePreprocessor(TestImages.unnormalised(4, 3));
            float[] red = decoder.decode(((EncodedImage) csv.get(0).image()).bytes());
            assertEquals(1.0f, red[0], 1e-6f); // red plane of a red PNG
            assertEquals(0.0f, red[16], 1e-6f); // green plane
            assertThrows(ImageDecodeException.class, () -> decoder.decode(((EncodedImage) csv.get(2).image()).bytes()));
            BadSampleException missing = assertThrows(BadSampleException.class, () -> csv.get(3));
            assertTrue(missing.getMessage().contains("missing.png"), missing.getMessage());
            BadSampleException row = assertThrows(BadSampleException.class, () -> csv.get(4));
            assertTrue(row.getMessage().contains("line=6"), row.getMessage());
            assertEquals(List.of("a red box, with a comma", "a \"quoted\" green box", "a corrupt image",
                    "a missing file", "a blue\nbox on two lines"), CaptionCorpus.captions(csv));
        }
    }

    @Test
    void shouldSkipCorruptImagesAndBadRowsInTheLoaderAndKeepGoing() throws IOException {
        ByteTokenizer tokenizer = new ByteTokenizer();
        int context = 40;
        LoaderOptions options = LoaderOptions.builder().batchPerRank(6).image(8, 3).contextLength(context)
                .decodeThreads(2).prefetchBatches(1).build();
        try (DataSource csv = CsvCaptions.open(writeDataset());
                DataLoader loader = DataLoader.open(csv, tokenizer, options)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                Batch batch = loader.next();
                assertEquals(6, batch.size());
                List<String> captions = new ArrayList<>();
                for (int slot = 0; slot < 6; slot++) {
                    captions.add(tokenizer.decode(Arrays.copyOfRange(batch.tokens(), slot * context, (slot + 1) * context)));
                }
                // Rows 2, 3 and 4 are bad; each is replaced by the next good row, 5 (the blue box).
                assertEquals(List.of("a \"quoted\" green box", "a blue\nbox on two lines", "a blue\nbox on two lines",
                        "a blue\nbox on two lines", "a blue\nbox on two lines", "a red box, with a comma"),
                        captions.stream().sorted().toList());
            }
            // Per epoch: index 2 tries 2, 3, 4 (3 skips); index 3 tries 3, 4 (2); index 4 tries 4 (1).
            // The prefetched next epoch may already have added more.
            assertTrue(loader.skippedCount() >= 18, "skipped=" + loader.skippedCount());
        }
    }

    @Test
    void shouldReadHeaderlessCsvByColumnPosition() throws IOException {
        Files.write(dir.resolve("x.png"), TestImages.encode("png", 3, 3, 0x808080));
        Path csv = Files.writeString(dir.resolve("plain.csv"), "x.png,a grey square\n");
        try (CsvCaptions source = CsvCaptions.open(csv)) {
            assertEquals(1, source.size());
            assertEquals("a grey square", source.get(0).caption());
            assertEquals(-1, source.get(0).label());
        }
    }

    @Test
    void shouldReportAnUnterminatedQuoteAsABadRow() {
        List<CsvParser.Record> records = CsvParser.parse("a.png,ok\nb.png,\"never closed\n");
        assertEquals(2, records.size());
        assertEquals(List.of("a.png", "ok"), records.get(0).fields());
        assertEquals("unterminated quoted field", records.get(1).error());
        assertEquals(2, records.get(1).line());
    }
}

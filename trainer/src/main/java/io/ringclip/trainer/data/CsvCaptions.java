package io.ringclip.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Image-caption pairs listed in a CSV file: an image path (relative to the CSV's directory, or
 * absolute) and a caption per row, e.g.
 * <pre>
 *   filepath,caption
 *   images/0001.jpg,"a dog on a beach, at sunset"
 * </pre>
 * The header is optional: it is recognised when it names an image column ({@code image},
 * {@code filepath}, {@code path}, …) and a caption column ({@code caption}, {@code text},
 * {@code title}); without one the first two columns are used. Malformed rows stay in the dataset
 * as bad samples, so the loader counts and skips them and indices stay stable.
 */
public final class CsvCaptions implements DataSource {

    private static final Set<String> IMAGE_COLUMNS = Set.of("image", "image_path", "filepath", "file", "path", "filename", "url");
    private static final Set<String> CAPTION_COLUMNS = Set.of("caption", "text", "title", "description");

    private final Path csv;
    private final List<Row> rows;

    /** A data row: either an image path and caption, or the reason the row is unusable. */
    private record Row(int line, Path image, String caption, String problem) {}

    private CsvCaptions(Path csv, List<Row> rows) {
        this.csv = csv;
        this.rows = rows;
    }

    public static CsvCaptions open(Path csv) {
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read csv: path=" + csv, e);
        }
        List<CsvParser.Record> records = CsvParser.parse(text);
        int imageColumn = 0;
        int captionColumn = 1;
        int first = 0;
        if (!records.isEmpty() && records.get(0).error() == null) {
            List<String> header = records.get(0).fields().stream().map(f -> f.strip().toLowerCase(Locale.ROOT)).toList();
            int headerImage = indexOfAny(header, IMAGE_COLUMNS);
            int headerCaption = indexOfAny(header, CAPTION_COLUMNS);
            if (headerImage >= 0 && headerCaption >= 0) {
                imageColumn = headerImage;
                captionColumn = headerCaption;
                first = 1;
            }
        }
        Path base = csv.toAbsolutePath().getParent();
        List<Row> rows = new ArrayList<>();
        for (CsvParser.Record record : records.subList(first, records.size())) {
            rows.add(toRow(record, base, imageColumn, captionColumn));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("csv has no data rows: path=" + csv);
        }
        return new CsvCaptions(csv, List.copyOf(rows));
    }

    private static Row toRow(CsvParser.Record record, Path base, int imageColumn, int captionColumn) {
        if (record.error() != null) {
            return new Row(record.line(), null, null, record.error());
        }
        List<String> fields = record.fields();
        if (fields.size() <= Math.max(imageColumn, captionColumn)) {
            return new Row(record.line(), null, null, "too few columns: columns=" + fields.size());
        }
        String image = fields.get(imageColumn).strip();
        String caption = fields.get(captionColumn).strip();
        if (image.isEmpty() || caption.isEmpty()) {
            return new Row(record.line(), null, null, "empty image path or caption");
        }
        return new Row(record.line(), base.resolve(image), caption, null);
    }

    private static int indexOfAny(List<String> header, Set<String> names) {
        for (int i = 0; i < header.size(); i++) {
            if (names.contains(header.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public Example get(int index) {
        Row row = usable(index);
        try {
            return new Example(new EncodedImage(Files.readAllBytes(row.image()), row.image().toString()), row.caption(), -1);
        } catch (NoSuchFileException e) {
            throw new BadSampleException("image file missing: csv=" + csv + ", line=" + row.line() + ", image=" + row.image());
        } catch (IOException e) {
            throw new BadSampleException("cannot read image: csv=" + csv + ", line=" + row.line() + ", image="
                    + row.image() + ", error=" + e, e);
        }
    }

    @Override
    public String caption(int index) {
        return usable(index).caption();
    }

    private Row usable(int index) {
        Row row = rows.get(index);
        if (row.problem() != null) {
            throw new BadSampleException("bad csv row: csv=" + csv + ", line=" + row.line() + ", reason=" + row.problem());
        }
        return row;
    }

    @Override
    public String describe() {
        return "csv(path=" + csv + ", rows=" + rows.size() + ")";
    }
}

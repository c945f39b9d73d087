package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CSV and TSV with RFC 4180 quoting (a quoted field may hold delimiters, doubled quotes and
 * line breaks), a header row first. Blank lines are skipped, as pandas does. A quote inside an
 * unquoted field is kept as a character; text after a closing quote is kept too (pandas does both).
 * A row's line is the physical line where it starts. Structural damage that leaves the rest of the
 * file unreadable (a quoted field that never closes) stops the reading even when skipping bad rows.
 */
final class DelimitedReader {
    private DelimitedReader() {
    }

    static RawData read(Path file, String source, DataFormat format, DataSpec spec) throws IOException {
        CSVFormat csv = CSVFormat.RFC4180.builder()
                .setDelimiter(format.delimiter())
                .setIgnoreEmptyLines(false)
                .setTrailingData(true)
                .get();
        BadRows bad = new BadRows(source, spec.onBadRow());
        try (Reader in = Utf8Input.open(file); CSVParser parser = csv.parse(in)) {
            Iterator<CSVRecord> it = parser.iterator();
            long line = parser.getCurrentLineNumber() + 1;
            CSVRecord header = next(it, source, line, format);
            while (header != null && isBlank(header)) {
                line = parser.getCurrentLineNumber() + 1;
                header = next(it, source, line, format);
            }
            if (header == null) {
                throw new UserException(source + ": the file is empty: expected a header row naming the columns");
            }
            List<String> columns = header(source, line, header);
            ColumnChoice choice = ColumnChoice.resolve(source, columns, spec, false);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                index.put(columns.get(i), i);
            }
            int textAt = index.get(choice.text());
            int pairAt = choice.pair() == null ? -1 : index.get(choice.pair());
            int labelAt = choice.label() == null ? -1 : index.get(choice.label());
            int[] flagAt = choice.flagColumns().stream().mapToInt(index::get).toArray();
            List<RawRow> rows = new ArrayList<>();
            while (true) {
                line = parser.getCurrentLineNumber() + 1;
                CSVRecord r = next(it, source, line, format);
                if (r == null) {
                    break;
                }
                if (isBlank(r)) {
                    continue;
                }
                try {
                    if (r.size() != columns.size()) {
                        throw new RowError("expected " + columns.size() + " columns, found " + r.size());
                    }
                    String text = TextChecks.text(r.get(textAt), choice.text());
                    String pair = pairAt < 0 ? null : TextChecks.text(r.get(pairAt), choice.pair());
                    RawLabel label = null;
                    if (labelAt >= 0) {
                        label = LabelFields.cell(r.get(labelAt), choice.label(), spec.labelDelimiter());
                    } else if (flagAt.length > 0) {
                        float[] flags = new float[flagAt.length];
                        for (int j = 0; j < flags.length; j++) {
                            flags[j] = LabelFields.flag(r.get(flagAt[j]), choice.flagColumns().get(j));
                        }
                        label = new RawLabel.Flags(flags);
                    }
                    rows.add(RawRow.text(line, text, pair, label));
                } catch (RowError e) {
                    bad.report(line, e.reason());
                }
            }
            return new RawData(source, choice, rows, bad, false);
        }
    }

    /**
     * An empty line (skipped). A line holding only white space is not blank: it is a row whose
     * text is empty, reported as a bad row. (A line holding only {@code ""} reads the same as an
     * empty line through commons-csv and is skipped too.)
     */
    private static boolean isBlank(CSVRecord r) {
        return r.size() == 1 && r.get(0).isEmpty();
    }

    private static List<String> header(String source, long line, CSVRecord header) {
        List<String> columns = header.toList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            if (TextChecks.firstInvalid(c) >= 0) {
                throw new UserException(source + " line " + line + ": the header has invalid UTF-8 in column "
                        + (i + 1));
            }
            if (!seen.add(c)) {
                throw new UserException(source + " line " + line + ": the header names column '" + c
                        + "' twice: expected distinct column names");
            }
        }
        return columns;
    }

    /** The next record, or null at the end; a broken file becomes a one-line error naming the line. */
    private static CSVRecord next(Iterator<CSVRecord> it, String source, long line, DataFormat format) {
        try {
            return it.hasNext() ? it.next() : null;
        } catch (UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String msg = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (msg.contains("EOF reached before encapsulated token finished")) {
                msg = "a quoted field is never closed (a '\"' opens it and the file ends before the closing one)";
            }
            throw new UserException(source + " line " + line + ": malformed " + format.name() + ": " + msg);
        }
    }
}

package dev.jbert.trainer.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.cli.UserException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads JSON lines (one object per line, blank lines skipped), or a file holding one JSON array of
 * objects (its first non-blank character is {@code [}). A row is either text
 * ({@code {"text": ..., "label": ...}}) or pre-tokenized ({@code {"input_ids": [...],
 * "token_type_ids"?: [...], "attention_mask"?: [...], "label": ...}}); the first object decides
 * which for the whole file (by having {@code input_ids}), and its field names are the columns that
 * {@link ColumnChoice} chooses from. Labels: a string is a class name (or a delimited list of names with a label delimiter), a
 * number is a class id or a regression target, a list of numbers is a multi-hot row, a list of
 * strings is a set of label names. Text fields must be strings. A line that is not valid JSON is a
 * bad row; in an array, broken JSON stops the reading.
 */
final class JsonRows {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final DataSpec spec;
    private final BadRows bad;
    private final List<RawRow> rows = new ArrayList<>();
    private ColumnChoice choice;
    private boolean preTokenized;

    private JsonRows(String source, DataSpec spec) {
        this.source = source;
        this.spec = spec;
        this.bad = new BadRows(source, spec.onBadRow());
    }

    static RawData read(Path file, String source, DataSpec spec) throws IOException {
        JsonRows r = new JsonRows(source, spec);
        if (Utf8Input.firstNonBlankLine(file).strip().startsWith("[")) {
            r.readArray(file);
        } else {
            r.readLines(file);
        }
        if (r.choice == null) {
            if (r.bad.skipped() > 0) {
                throw new UserException(source + ": no good row (" + r.bad.summary() + ")");
            }
            throw new UserException(source + ": the file is empty: expected one JSON object per line");
        }
        return new RawData(source, r.choice, r.rows, r.bad, r.preTokenized);
    }

    private void readLines(Path file) throws IOException {
        try (BufferedReader in = new BufferedReader(Utf8Input.open(file))) {
            long line = 0;
            for (String s = in.readLine(); s != null; s = in.readLine()) {
                line++;
                if (s.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(s);
                } catch (JsonProcessingException e) {
                    bad.report(line, "malformed JSON: " + firstLine(e.getOriginalMessage()));
                    continue;
                }
                add(node, line);
            }
        }
    }

    private void readArray(Path file) throws IOException {
        try (Reader in = Utf8Input.open(file); JsonParser p = JSON.createParser(in)) {
            long line = 1;
            try {
                p.nextToken();
                line = p.currentTokenLocation().getLineNr();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) {
                        throw new UserException(source + ": the JSON array is never closed");
                    }
                    line = p.currentTokenLocation().getLineNr();
                    JsonNode node = JSON.readTree(p);
                    add(node, line);
                }
            } catch (JsonProcessingException e) {
                long at = e.getLocation() != null ? e.getLocation().getLineNr() : line;
                throw new UserException(source + " line " + at + ": malformed JSON: " + firstLine(e.getOriginalMessage()));
            }
        }
    }

    private void add(JsonNode node, long line) {
        try {
            if (!node.isObject()) {
                throw new RowError("expected a JSON object, found " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            if (choice == null) {
                List<String> fields = new ArrayList<>();
                node.fieldNames().forEachRemaining(fields::add);
                preTokenized = node.has(PreTokenizedFields.INPUT_IDS);
                choice = ColumnChoice.resolve(source, fields, spec, preTokenized);
            }
            rows.add(row(node, line));
        } catch (RowError e) {
            bad.report(line, e.reason());
        }
    }

    private RawRow row(JsonNode obj, long line) {
        if (preTokenized) {
            return PreTokenizedFields.read(obj, line, label(obj));
        }
        String text = TextChecks.text(string(obj, choice.text()), choice.text());
        String pair = choice.pair() == null ? null : TextChecks.text(string(obj, choice.pair()), choice.pair());
        return RawRow.text(line, text, pair, label(obj));
    }

    private RawLabel label(JsonNode obj) {
        if (choice.label() != null) {
            return LabelFields.json(obj.get(choice.label()), choice.label(), spec.labelDelimiter());
        }
        if (!choice.flagColumns().isEmpty()) {
            float[] flags = new float[choice.flagColumns().size()];
            for (int j = 0; j < flags.length; j++) {
                String f = choice.flagColumns().get(j);
                flags[j] = LabelFields.jsonFlag(obj.get(f), f);
            }
            return new RawLabel.Flags(flags);
        }
        return null;
    }

    private static String string(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new RowError("column '" + field + "' is " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + ", expected a string");
        }
        return v.textValue();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

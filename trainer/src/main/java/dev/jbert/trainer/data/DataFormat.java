package dev.jbert.trainer.data;

import java.util.Locale;

/**
 * How a data file is laid out. Chosen from the file name's extension ({@code .csv}, {@code .tsv},
 * {@code .jsonl}/{@code .json}/{@code .ndjson}), else sniffed from the first line: a line starting
 * with {@code {} or {@code [} is JSON, a line with more tabs than commas is TSV, anything else CSV.
 */
public enum DataFormat {
    /** Comma-separated values, RFC 4180 quoting, a header row. */
    CSV(','),
    /** Tab-separated values, RFC 4180 quoting (as pandas reads them), a header row. */
    TSV('\t'),
    /** JSON lines: one object per line; a {@code .json} file may instead hold one array of objects. */
    JSON_LINES('\0');

    private final char delimiter;

    DataFormat(char delimiter) {
        this.delimiter = delimiter;
    }

    /** The field delimiter of CSV and TSV. */
    char delimiter() {
        return delimiter;
    }

    /** The format a file name's extension names, or null when it names none. */
    public static DataFormat fromFileName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        if (n.endsWith(".csv")) {
            return CSV;
        }
        if (n.endsWith(".tsv") || n.endsWith(".tab")) {
            return TSV;
        }
        if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
            return JSON_LINES;
        }
        return null;
    }

    /** Guesses the format from the file's first non-blank line (see the class comment). */
    public static DataFormat sniff(String firstLine) {
        String s = firstLine.strip();
        if (s.startsWith("{") || s.startsWith("[")) {
            return JSON_LINES;
        }
        long tabs = s.chars().filter(c -> c == '\t').count();
        long commas = s.chars().filter(c -> c == ',').count();
        return tabs > commas ? TSV : CSV;
    }

    /** Parses a user's spelling: csv, tsv, jsonl/json. */
    public static DataFormat parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "tsv", "tab" -> TSV;
            case "jsonl", "json", "ndjson", "json_lines", "jsonlines" -> JSON_LINES;
            default -> throw new IllegalArgumentException("data format: expected csv, tsv or jsonl, found '" + name + "'");
        };
    }
}

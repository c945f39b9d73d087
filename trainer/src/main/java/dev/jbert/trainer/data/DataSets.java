package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reading data files into {@link DataSet}s: CSV, TSV (RFC 4180, header row) or JSON lines, chosen by
 * {@link DataFormat}; columns by {@link ColumnChoice}; labels by {@link LabelInference}; bad rows by
 * {@link BadRows}. Files are read as UTF-8 (a leading byte-order mark is dropped; {@code .gz} is
 * decompressed).
 *
 * <p>The training file decides the labels ({@link #read(Path, DataSpec, KnownLabels)}); a validation
 * or test file is then read under the same {@link LabelSet} ({@link #read(Path, DataSpec, LabelSet)}),
 * where a label the set lacks is a bad row.
 */
public final class DataSets {
    private DataSets() {
    }

    /**
     * Reads a file and decides its labels from its rows and what the starting model knows (for
     * training, or for evaluating a model whose config names its labels).
     */
    public static DataSet read(Path file, DataSpec spec, KnownLabels known) {
        RawData raw = readRaw(file, spec);
        if (!raw.labelled()) {
            return unlabelled(raw);
        }
        LabelSet set = LabelInference.decide(raw, spec, known);
        return labelled(raw, set);
    }

    /** Reads a file under labels already decided (a validation file, under the training file's labels). */
    public static DataSet read(Path file, DataSpec spec, LabelSet labels) {
        RawData raw = readRaw(file, spec.problemType() == null ? spec.withProblemType(labels.problemType()) : spec);
        if (!raw.labelled()) {
            return unlabelled(raw);
        }
        return labelled(raw, labels);
    }

    /** Reads the texts only, ignoring any label column (for prediction). */
    public static DataSet readUnlabelled(Path file, DataSpec spec) {
        return unlabelled(readRaw(file, spec.withReadLabels(false)));
    }

    /** The format of a file: the spec's, else the extension's, else sniffed from its first line. */
    public static DataFormat formatOf(Path file, DataSpec spec) {
        if (spec.format() != null) {
            return spec.format();
        }
        DataFormat f = DataFormat.fromFileName(file.getFileName().toString());
        if (f != null) {
            return f;
        }
        try {
            return DataFormat.sniff(Utf8Input.firstNonBlankLine(file));
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    static RawData readRaw(Path file, DataSpec spec) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new UserException(source + ": is a folder, expected a CSV, TSV or JSON lines file");
        }
        DataFormat format = formatOf(file, spec);
        try {
            return format == DataFormat.JSON_LINES ? JsonRows.read(file, source, spec)
                    : DelimitedReader.read(file, source, format, spec);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    private static UserException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new UserException(file + ": no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new UserException(file + ": permission denied", e);
        }
        return new UserException(file + ": cannot read: " + e.getMessage(), e);
    }

    private static DataSet labelled(RawData raw, LabelSet set) {
        LabelEncoder.Result r = LabelEncoder.encode(raw, set);
        if (r.kept().length == 0) {
            throw new UserException(raw.source() + ": no good row (" + raw.badRows().summary() + ")");
        }
        return build(raw, r.kept(), r.labels(), set);
    }

    private static DataSet unlabelled(RawData raw) {
        int[] all = new int[raw.rows().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        if (all.length == 0) {
            throw new UserException(raw.source() + ": no good row"
                    + (raw.badRows().skipped() > 0 ? " (" + raw.badRows().summary() + ")" : ": the file has a header only"));
        }
        return build(raw, all, null, null);
    }

    private static DataSet build(RawData raw, int[] kept, dev.jbert.engine.train.Labels labels, LabelSet set) {
        List<RawRow> rows = raw.rows();
        int n = kept.length;
        long[] lines = new long[n];
        for (int i = 0; i < n; i++) {
            lines[i] = rows.get(kept[i]).line();
        }
        if (raw.preTokenized()) {
            int[][] ids = new int[n][];
            int[][] types = new int[n][];
            int[][] masks = new int[n][];
            boolean anyTypes = false;
            boolean anyMasks = false;
            for (int i = 0; i < n; i++) {
                RawRow r = rows.get(kept[i]);
                ids[i] = r.inputIds();
                types[i] = r.tokenTypeIds();
                masks[i] = r.attentionMask();
                anyTypes |= types[i] != null;
                anyMasks |= masks[i] != null;
            }
            return new DataSet(raw.source(), lines, null, null, labels, set, raw.badRows(), ids,
                    anyTypes ? types : null, anyMasks ? masks : null, 0);
        }
        String[] texts = new String[n];
        String[] pairs = raw.columns().pair() == null ? null : new String[n];
        for (int i = 0; i < n; i++) {
            RawRow r = rows.get(kept[i]);
            texts[i] = r.text();
            if (pairs != null) {
                pairs[i] = r.pair();
            }
        }
        return new DataSet(raw.source(), lines, texts, pairs, labels, set, raw.badRows(), null, null, null, 0);
    }
}

package dev.jbert.trainer.data;

import dev.jbert.cli.UserException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bad rows of one data file. With {@link OnBadRow#FAIL} the first one raises a
 * {@link UserException} such as {@code train.csv line 17: empty text in column 'sentence'}; with
 * {@link OnBadRow#SKIP} each is counted and the first {@value #KEPT_REASONS} reasons are kept for the
 * summary.
 */
public final class BadRows {
    /** How many reasons a summary quotes. */
    public static final int KEPT_REASONS = 5;

    private final String file;
    private final OnBadRow mode;
    private final List<String> firstReasons = new ArrayList<>();
    private int skipped;

    public BadRows(String file, OnBadRow mode) {
        this.file = file;
        this.mode = mode;
    }

    /** Reports a bad row starting at the given physical line (1-based) of the file. */
    public void report(long line, String reason) {
        String where = file + " line " + line + ": " + reason;
        if (mode == OnBadRow.FAIL) {
            throw new UserException(where);
        }
        skipped++;
        if (firstReasons.size() < KEPT_REASONS) {
            firstReasons.add(where);
        }
    }

    /** The file, as named in messages. */
    public String file() {
        return file;
    }

    public OnBadRow mode() {
        return mode;
    }

    /** Rows left out so far. */
    public int skipped() {
        return skipped;
    }

    /** The first few reasons, each {@code file line N: reason}. */
    public List<String> firstReasons() {
        return List.copyOf(firstReasons);
    }

    /** One line: {@code "skipped 3 bad rows of train.csv: train.csv line 4: ...; ..."}, or "" when none. */
    public String summary() {
        if (skipped == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("skipped ").append(skipped).append(skipped == 1 ? " bad row" : " bad rows")
                .append(" of ").append(file).append(": ").append(String.join("; ", firstReasons));
        if (skipped > firstReasons.size()) {
            sb.append("; ...");
        }
        return sb.toString();
    }
}

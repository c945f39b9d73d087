package dev.jbert.trainer.hub;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Human progress on stderr: one line when a file starts, a line at every tenth of a large file
 * (or every 64 MB where the size is unknown), one line when it ends.
 */
public final class DownloadProgress {
    private static final long LARGE = 4L << 20;
    private static final long STEP_UNKNOWN = 64L << 20;

    private final PrintWriter err;
    private String name;
    private Long total;
    private long nextReport;

    public DownloadProgress(PrintWriter err) {
        this.err = err;
    }

    void begin(String file, long offset, Long size) {
        this.name = file;
        this.total = size;
        if (offset > 0) {
            line(file + ": resuming at " + bytes(offset) + (size == null ? "" : " of " + bytes(size)));
        } else if (size != null && size >= LARGE) {
            line(file + ": downloading " + bytes(size));
        }
        nextReport = next(offset);
    }

    void advance(long done) {
        if (done >= nextReport) {
            line(name + ": " + bytes(done) + (total == null ? "" : " of " + bytes(total) + " ("
                    + (100 * done / Math.max(1, total)) + "%)"));
            nextReport = next(done);
        }
    }

    void finish(HubFile f) {
        switch (f.status()) {
            case ABSENT -> line(f.name() + ": not in this model (optional)");
            case PRESENT -> line(f.name() + ": already here, " + bytes(f.size()) + ", sha256 matches");
            case DERIVED -> line(f.name() + ": written from tokenizer.json, " + bytes(f.size()));
            default -> line(f.name() + ": " + (f.status() == HubFile.Status.RESUMED ? "resumed, " : "") + bytes(f.size())
                    + (f.verified() ? ", sha256 checked" : ""));
        }
    }

    void retry(String file, String why, int attempt, int of) {
        line(file + ": " + why + "; retrying (" + attempt + " of " + of + ")");
    }

    void note(String text) {
        line(text);
    }

    private long next(long done) {
        if (total == null) {
            return (done / STEP_UNKNOWN + 1) * STEP_UNKNOWN;
        }
        if (total < LARGE) {
            return Long.MAX_VALUE;
        }
        long step = Math.max(1, total / 10);
        return (done / step + 1) * step;
    }

    private void line(String text) {
        err.println(text);
        err.flush();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", n / (1024.0 * 1024 * 1024));
    }
}

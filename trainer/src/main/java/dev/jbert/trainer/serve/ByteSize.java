package dev.jbert.trainer.serve;

import java.util.Locale;

/** Sizes as a user writes them: {@code 1048576}, {@code 512KB}, {@code 1MB}, {@code 1MiB}, {@code 2k} (1 K = 1024 bytes). */
public final class ByteSize {
    private ByteSize() {
    }

    /** The number of bytes; an {@link IllegalArgumentException} naming {@code what} for anything else. */
    public static long parse(String text, String what) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        String digits = t;
        String[][] suffixes = {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"}, {"KB", "1024"},
            {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"}, {"M", "1048576"}, {"G", "1073741824"}, {"B", "1"}};
        for (String[] s : suffixes) {
            if (t.endsWith(s[0])) {
                unit = Long.parseLong(s[1]);
                digits = t.substring(0, t.length() - s[0].length());
                break;
            }
        }
        try {
            long n = Long.parseLong(digits);
            if (n > 0 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": expected a positive size such as 1048576, 512KB or 1MB, found '"
                + text + "'");
    }

    /** {@code 1 MB}, {@code 4 KB} or {@code 100 bytes}: for messages. */
    public static String format(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KB";
        }
        return bytes + " bytes";
    }
}

package dev.jbert.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens a data file as UTF-8 text (gzip-compressed when the name ends in {@code .gz}), without a
 * leading byte-order mark. Bytes that are not valid UTF-8 do not stop the reading: each becomes
 * {@link #INVALID}, a lone low surrogate that valid UTF-8 can never produce, so the row holding it
 * can be reported (or skipped) on its own by {@link TextChecks}.
 */
final class Utf8Input {
    /** Stands for each malformed byte sequence. */
    static final char INVALID = '\uDFFF';

    private Utf8Input() {
    }

    static Reader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(String.valueOf(INVALID));
        PushbackReader r = new PushbackReader(new BufferedReader(new InputStreamReader(in, decoder), 1 << 16), 1);
        int first = r.read();
        if (first >= 0 && first != '\uFEFF') {
            r.unread(first);
        }
        return r;
    }

    /** The first non-blank line of the file ("" when there is none), for sniffing the format. */
    static String firstNonBlankLine(Path file) throws IOException {
        try (BufferedReader r = new BufferedReader(open(file))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    return line;
                }
            }
            return "";
        }
    }
}

package dev.jbert.trainer.hub;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last response of a redirect chain, with what the hub said on the way: the size and
 * sha256 of an LFS file ({@code X-Linked-Size}, {@code X-Linked-Etag}, given by the hub before it
 * redirects to its storage), else the {@code ETag} of a direct answer where it is a sha256, and
 * the commit the revision resolved to ({@code X-Repo-Commit}).
 *
 * @param linkedSize the file's full size as the hub states it, or null
 * @param sha256 the expected sha256 (lower-case hex), or null where the hub gave none
 */
record HubResponse(int status, URI uri, HttpHeaders headers, InputStream body, Long linkedSize, String sha256,
                   String commit) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    /** A sha256 from an ETag value ({@code "…"} or {@code W/"…"}), or null where it is something else (a git sha1). */
    static String sha256OfEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String v = etag.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        v = v.replace("\"", "").toLowerCase(Locale.ROOT);
        return SHA256.matcher(v).matches() ? v : null;
    }

    Long contentLength() {
        OptionalLong n = headers.firstValueAsLong("content-length");
        return n.isPresent() ? n.getAsLong() : null;
    }

    /** The first byte of a 206's {@code Content-Range}, or -1. */
    long rangeStart() {
        Matcher m = contentRange();
        return m != null && m.group(1) != null ? Long.parseLong(m.group(1)) : -1;
    }

    /** The total size in a {@code Content-Range} (206 or 416), or null. */
    Long rangeTotal() {
        Matcher m = contentRange();
        return m != null && !m.group(3).equals("*") ? Long.parseLong(m.group(3)) : null;
    }

    /** The full size of the file: the hub's, else the Content-Range's, else the Content-Length (of a 200). */
    Long expectedSize() {
        if (linkedSize != null) {
            return linkedSize;
        }
        if (status == 206 || status == 416) {
            return rangeTotal();
        }
        return contentLength();
    }

    /** The hub's own explanation of an error ({@code X-Error-Code}, {@code X-Error-Message}), or "". */
    String hubError() {
        String code = headers.firstValue("x-error-code").orElse("");
        String message = headers.firstValue("x-error-message").orElse("");
        if (code.isEmpty() && message.isEmpty()) {
            return "";
        }
        return " (" + (code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message) + ")";
    }

    private Matcher contentRange() {
        String v = headers.firstValue("content-range").orElse(null);
        if (v == null) {
            return null;
        }
        Matcher m = CONTENT_RANGE.matcher(v.strip());
        return m.matches() ? m : null;
    }
}

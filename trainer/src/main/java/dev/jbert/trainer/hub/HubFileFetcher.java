package dev.jbert.trainer.hub;

import dev.jbert.cli.UserException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Fetches one file of a model into the model folder, the way a careful person would:
 *
 * <ul>
 *   <li>the bytes go to {@code DIR/.partial/FILE} first; a partial file left by an earlier
 *       attempt (or run) is resumed with {@code Range: bytes=N-} (a 206 continues it, a 200
 *       starts over);</li>
 *   <li>redirects are followed by hand, so the hub's {@code X-Linked-Size} and
 *       {@code X-Linked-Etag} (the sha256 of an LFS file) are seen before the storage server
 *       answers, and the token goes to the hub only, never to the storage server;</li>
 *   <li>the size and the sha256 are checked wherever the hub states them, then the file is
 *       forced to disk and renamed into place atomically;</li>
 *   <li>network failures and 5xx answers are retried, resuming; 401, 403 and 404 are not.</li>
 * </ul>
 */
final class HubFileFetcher {
    static final String PARTIAL_DIR = ".partial";
    private static final int MAX_REDIRECTS = 10;
    private static final int BUFFER = 1 << 16;

    private final HttpClient client;
    private final String token;
    private final URI tokenOrigin;
    private final Path outDir;
    private final DownloadProgress progress;
    private final int retries;
    private final Duration backoff;
    private final String userAgent;
    private String commit;

    HubFileFetcher(HttpClient client, URI endpoint, String token, Path outDir, DownloadProgress progress, int retries,
                   Duration backoff, String userAgent) {
        this.client = client;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.tokenOrigin = endpoint;
        this.outDir = outDir;
        this.progress = progress;
        this.retries = retries;
        this.backoff = backoff;
        this.userAgent = userAgent;
    }

    /** The commit the hub resolved the revision to ({@code X-Repo-Commit}), once a response has named it. */
    String commit() {
        return commit;
    }

    /** A failure worth another attempt: the network, a 5xx, a partial file that does not fit. */
    private static final class Retryable extends Exception {
        Retryable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Fetches {@code url} into {@code DIR/name}; an optional file that is 404 comes back {@link HubFile.Status#ABSENT}. */
    HubFile fetch(String name, URI url, boolean optional) {
        Path target = outDir.resolve(name);
        Path partial = outDir.resolve(PARTIAL_DIR).resolve(name);
        for (int attempt = 0; ; attempt++) {
            try {
                HubFile f = attempt(name, url, target, partial, optional);
                progress.finish(f);
                return f;
            } catch (Retryable e) {
                if (attempt >= retries) {
                    long kept = sizeOrZero(partial);
                    throw new UserException(url + ": " + e.getMessage() + (attempt == 0 ? "" : " (after "
                            + (attempt + 1) + " attempts)") + (kept > 0 ? "; " + kept
                            + " bytes are kept in " + partial + ", run again to resume" : ""), e);
                }
                progress.retry(name, e.getMessage(), attempt + 1, retries);
                sleep(backoff.multipliedBy(attempt + 1));
            }
        }
    }

    private HubFile attempt(String name, URI url, Path target, Path partial, boolean optional) throws Retryable {
        long have = sizeOrZero(partial);
        HubResponse r = open(url, have);
        try (InputStream body = r.body()) {
            int status = r.status();
            if (status == 404) {
                if (optional) {
                    return HubFile.absent(name);
                }
                throw new UserException(url + ": HTTP 404" + r.hubError() + ": " + notFound(name));
            }
            if (status == 401 || status == 403) {
                throw new UserException(url + ": HTTP " + status + r.hubError() + ": " + (token == null
                        ? "the model does not exist, or is private or gated: pass --token or set HF_TOKEN"
                        : "the token was refused, or grants no access to this model"));
            }
            if (status == 429 || status >= 500) {
                throw new Retryable("HTTP " + status + r.hubError(), null);
            }
            Long size = r.expectedSize();
            if (status == 416) {
                if (size != null && size == have) {
                    return complete(name, r, partial, target, have, sha256Of(partial), true);
                }
                delete(partial);
                throw new Retryable("the partial file (" + have + " bytes) does not fit the file on the hub"
                        + (size == null ? "" : " (" + size + " bytes)") + ", so it was discarded", null);
            }
            if (status != 200 && status != 206) {
                throw new UserException(url + ": HTTP " + status + r.hubError() + ", expected 200");
            }
            HubFile present = presentAlready(name, target, r, size);
            if (present != null) {
                delete(partial);
                return present;
            }
            long offset = 0;
            if (status == 206) {
                offset = r.rangeStart();
                if (offset != have) {
                    delete(partial);
                    throw new Retryable("asked to resume at byte " + have + ", the server answered from byte "
                            + offset + " (partial file discarded)", null);
                }
            } else if (have > 0) {
                progress.note(name + ": the server sent the whole file, not the rest; starting over");
            }
            MessageDigest sha = offset > 0 ? sha256Of(partial) : sha256();
            progress.begin(name, offset, size);
            long done = receive(body, partial, offset, sha, size);
            if (size != null && done != size) {
                if (done > size) {
                    delete(partial);
                    throw new UserException(url + ": received " + done + " bytes, the hub announced " + size);
                }
                throw new Retryable("the connection ended after " + done + " of " + size + " bytes", null);
            }
            return complete(name, r, partial, target, done, sha, offset > 0);
        } catch (IOException e) {
            throw new Retryable("network failure: " + describe(e), e);
        }
    }

    /** Appends the body to the partial file (from {@code offset}), hashing as it goes; returns the file's size. */
    private long receive(InputStream body, Path partial, long offset, MessageDigest sha, Long size) throws IOException {
        Files.createDirectories(partial.getParent());
        try (FileChannel out = offset > 0
                ? FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[BUFFER];
            long done = offset;
            try {
                for (int n; (n = body.read(buf)) >= 0; ) {
                    ByteBuffer chunk = ByteBuffer.wrap(buf, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    sha.update(buf, 0, n);
                    done += n;
                    progress.advance(done);
                }
            } catch (IOException e) {
                // what arrived stays in the partial file, to be resumed
                if (size != null && done < size) {
                    throw new IOException("the connection broke after " + done + " of " + size + " bytes ("
                            + describe(e) + ")", e);
                }
                throw e;
            }
            out.force(true);
            return done;
        }
    }

    /** Checks the sha256 and moves the partial file into place. */
    private HubFile complete(String name, HubResponse r, Path partial, Path target, long size, MessageDigest sha,
                             boolean resumed) throws Retryable {
        String actual = HexFormat.of().formatHex(sha.digest());
        String expected = r.sha256();
        if (expected != null && !expected.equals(actual)) {
            delete(partial);
            if (resumed) {
                throw new Retryable("sha256 mismatch after resuming a partial file (discarded)", null);
            }
            throw new UserException(r.uri() + ": sha256 of the " + size + " bytes received is " + actual
                    + ", the hub announced " + expected + ": corrupted download (discarded)");
        }
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UserException(target + ": cannot move the finished download into place: " + e.getMessage(), e);
        }
        return new HubFile(name, resumed ? HubFile.Status.RESUMED : HubFile.Status.DOWNLOADED, size, actual,
                expected != null);
    }

    /** The file is already in the folder with the announced size and sha256: nothing to fetch. */
    private HubFile presentAlready(String name, Path target, HubResponse r, Long size) {
        if (r.sha256() == null || !Files.isRegularFile(target)) {
            return null;
        }
        try {
            if (size != null && Files.size(target) != size) {
                return null;
            }
            String actual = HexFormat.of().formatHex(sha256Of(target).digest());
            return actual.equals(r.sha256()) ? new HubFile(name, HubFile.Status.PRESENT, Files.size(target), actual, true)
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends the GET, following redirects by hand and collecting what the hub says on the way. */
    private HubResponse open(URI url, long rangeStart) throws Retryable {
        URI current = url;
        Long linkedSize = null;
        String linkedSha = null;
        String etagSha = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).GET().timeout(Duration.ofMinutes(2))
                    .header("User-Agent", userAgent);
            if (token != null && sameOrigin(current, tokenOrigin)) {
                b.header("Authorization", "Bearer " + token);
            }
            if (rangeStart > 0) {
                b.header("Range", "bytes=" + rangeStart + "-");
            }
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new Retryable("network failure: " + describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserException(url + ": interrupted", e);
            }
            var h = resp.headers();
            if (linkedSha == null) {
                linkedSha = HubResponse.sha256OfEtag(h.firstValue("x-linked-etag").orElse(null));
            }
            if (linkedSize == null && h.firstValueAsLong("x-linked-size").isPresent()) {
                linkedSize = h.firstValueAsLong("x-linked-size").getAsLong();
            }
            if (hop == 0) {
                etagSha = HubResponse.sha256OfEtag(h.firstValue("etag").orElse(null));
            }
            if (commit == null) {
                commit = h.firstValue("x-repo-commit").orElse(null);
            }
            int s = resp.statusCode();
            var location = h.firstValue("location");
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent()) {
                closeQuietly(resp.body());
                current = current.resolve(location.get());
                continue;
            }
            return new HubResponse(s, current, h, resp.body(), linkedSize, linkedSha != null ? linkedSha : etagSha,
                    commit);
        }
        throw new UserException(url + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private static String notFound(String name) {
        return "no such model or revision, or the model has no " + name;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    static MessageDigest sha256Of(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UserException(file + ": cannot read: " + e.getMessage(), e);
        }
        return md;
    }

    private static long sizeOrZero(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UserException(file + ": cannot delete: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // a redirect's body is of no interest
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted", e);
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }
}

package dev.jbert.trainer.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: the hub's download layout on loopback, served from {@code root/OWNER/NAME/REV/FILE}.
 * Files carry an {@code ETag} with their sha256 (as LFS files do); {@code Range: bytes=N-} is
 * honoured; knobs make a file drop the connection halfway once, arrive through an LFS-style
 * redirect, carry a wrong sha256, or ignore ranges. Every request is logged.
 */
final class FakeHub implements AutoCloseable {
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    final Path root;
    final HttpServer server;
    /** The storage server LFS redirects point to: another origin, as on the real hub. */
    final HttpServer cdn;
    /** "METHOD path [range] [auth]" per request. */
    final List<String> log = new ArrayList<>();
    /** Files (OWNER/NAME/REV/FILE) that send half their bytes and drop the connection, once. */
    final Set<String> dropOnce = new HashSet<>();
    /** Files served by a 302 to /cdn/..., with X-Linked-Etag and X-Linked-Size on the redirect. */
    final Set<String> lfsRedirect = new HashSet<>();
    /** Files whose announced sha256 is replaced (to simulate corruption in transit). */
    final Map<String, String> wrongSha = new HashMap<>();
    /** A token every /resolve/ request must carry, or null. */
    String requiredToken;
    /** Answer 200 with the whole file even to a Range request. */
    boolean ignoreRange;
    /** Sent as X-Repo-Commit, or null. */
    String commit;

    FakeHub(Path root) throws IOException {
        this.root = root;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn.createContext("/", this::handle);
        cdn.setExecutor(Executors.newFixedThreadPool(2));
        cdn.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Writes a file of the fake hub and returns its sha256. */
    String put(String model, String revision, String file, byte[] content) throws IOException {
        Path p = root.resolve(model).resolve(revision).resolve(file);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return sha256(content);
    }

    synchronized List<String> requests() {
        return List.copyOf(log);
    }

    private synchronized void record(String line) {
        log.add(line);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        record(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range) + (auth == null ? "" : " auth"));
        try (ex) {
            if (path.startsWith("/cdn/")) {
                serve(ex, path.substring("/cdn/".length()), range, false);
                return;
            }
            Matcher m = RESOLVE.matcher(path);
            if (!m.matches()) {
                send(ex, 404, "not a resolve URL");
                return;
            }
            String model = m.group(1);
            String revision = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            if (revision.equals(commit)) {
                revision = "main";
            }
            String file = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
            if (requiredToken != null && !("Bearer " + requiredToken).equals(auth)) {
                ex.getResponseHeaders().add("X-Error-Code", "GatedRepo");
                send(ex, 401, "unauthorized");
                return;
            }
            if (!Files.isDirectory(root.resolve(model))) {
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                send(ex, 404, "repository not found");
                return;
            }
            if (!Files.isDirectory(root.resolve(model).resolve(revision))) {
                ex.getResponseHeaders().add("X-Error-Code", "RevisionNotFound");
                send(ex, 404, "revision not found");
                return;
            }
            String rel = model + "/" + revision + "/" + file;
            if (!Files.isRegularFile(root.resolve(rel))) {
                ex.getResponseHeaders().add("X-Error-Code", "EntryNotFound");
                send(ex, 404, "entry not found");
                return;
            }
            if (commit != null) {
                ex.getResponseHeaders().add("X-Repo-Commit", commit);
            }
            if (lfsRedirect.contains(rel)) {
                byte[] content = Files.readAllBytes(root.resolve(rel));
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + wrongSha.getOrDefault(rel, sha256(content)) + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", Long.toString(content.length));
                ex.getResponseHeaders().add("ETag", "W/\"0123456789abcdef0123456789abcdef01234567\"");
                ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + rel
                        + "?signature=x");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            serve(ex, rel, range, true);
        }
    }

    private void serve(HttpExchange ex, String rel, String range, boolean etag) throws IOException {
        byte[] content = Files.readAllBytes(root.resolve(URLDecoder.decode(rel, StandardCharsets.UTF_8)));
        if (etag) {
            ex.getResponseHeaders().add("ETag", "\"" + wrongSha.getOrDefault(rel, sha256(content)) + "\"");
        } else {
            ex.getResponseHeaders().add("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
        }
        ex.getResponseHeaders().add("Accept-Ranges", "bytes");
        int start = 0;
        int status = 200;
        Matcher r = range == null || ignoreRange ? null : RANGE.matcher(range);
        if (r != null && r.matches()) {
            start = Integer.parseInt(r.group(1));
            if (start >= content.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        boolean drop;
        synchronized (this) {
            drop = dropOnce.remove(rel.replaceFirst("\\?.*", ""));
        }
        ex.sendResponseHeaders(status, length);
        OutputStream out = ex.getResponseBody();
        if (drop) {
            out.write(content, start, length / 2);
            out.flush();
            // an exception from the handler makes the server close the connection mid-body
            throw new IOException("fake hub: dropping the connection halfway");
        }
        out.write(content, start, length);
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    static String sha256(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create(endpoint() + path);
    }

    @Override
    public void close() {
        for (HttpServer s : new HttpServer[] {server, cdn}) {
            s.stop(0);
            ((java.util.concurrent.ExecutorService) s.getExecutor()).shutdownNow();
        }
    }
}

package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with the JDK's WebSocket:
 * started as root ({@code --no-sandbox}) and offline (no background networking, no component
 * updates, no sync), with a fresh profile, listening for DevTools on a free loopback port that it
 * names on stderr. {@link #openPage} attaches to a new tab; commands wait a bounded time for their
 * answer; the page's script errors and console errors are collected.
 */
final class ServeDevTools implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final List<String> stderr = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newHttpClient();
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());

    private ServeDevTools(Process process, String wsUrl) throws Exception {
        this.process = process;
        this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(wsUrl), new Listener()).get(20, TimeUnit.SECONDS);
    }

    /** Starts Chromium with a profile in {@code profile}; waits (bounded) for its DevTools address. */
    static ServeDevTools start(Path profile) throws Exception {
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
                "--disable-dev-shm-usage", "--metrics-recording-only", "--mute-audio", "--hide-scrollbars",
                "--password-store=basic", "--use-mock-keychain", "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--window-size=960,1000",
                "about:blank");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        LinkedBlockingQueue<String> found = new LinkedBlockingQueue<>();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (lines.size() < 500) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        found.add(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            found.add("");
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        String ws = found.poll(30, TimeUnit.SECONDS);
        if (ws == null || ws.isEmpty()) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not print its DevTools address within 30 s; stderr: " + lines);
        }
        ServeDevTools dt = new ServeDevTools(p, ws);
        dt.stderr.addAll(lines);
        return dt;
    }

    /** A new tab, attached (flat session): Page and Runtime events on, a fixed 960x1000 viewport. */
    String openPage() {
        String target = call(null, "Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
                .get("targetId").asText();
        String session = call(null, "Target.attachToTarget",
                JSON.createObjectNode().put("targetId", target).put("flatten", true)).get("sessionId").asText();
        call(session, "Page.enable", JSON.createObjectNode());
        call(session, "Runtime.enable", JSON.createObjectNode());
        call(session, "Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", 960)
                .put("height", 1000).put("deviceScaleFactor", 1).put("mobile", false));
        return session;
    }

    /** Sends a command and waits (bounded) for its result; a protocol error fails. */
    JsonNode call(String session, String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        if (session != null) {
            msg.put("sessionId", session);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(msg.toString(), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode r = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (r.has("error")) {
                throw new IllegalStateException(method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (Exception e) {
            throw new IllegalStateException(method + ": " + e + " (chromium stderr: " + tail() + ")", e);
        } finally {
            pending.remove(id);
        }
    }

    /** Runs a script in the page; its value (by value: JSON-able), awaiting a promise. */
    JsonNode evaluate(String session, String expression) {
        JsonNode r = call(session, "Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("the script failed: " + r.get("exceptionDetails"));
        }
        return r.get("result").get("value");
    }

    /** Polls a script until its value passes {@code done}, for at most {@code timeout}. */
    JsonNode waitFor(String session, String expression, Predicate<JsonNode> done, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode v = null;
        while (System.nanoTime() < deadline) {
            v = evaluate(session, expression);
            if (v != null && done.test(v)) {
                return v;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last value: "
                + v + "; page errors: " + pageErrors);
    }

    /** Page script errors and console errors seen so far. */
    List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    private String tail() {
        synchronized (stderr) {
            return String.join(" | ", stderr.subList(Math.max(0, stderr.size() - 10), stderr.size()));
        }
    }

    @Override
    public void close() {
        try {
            ObjectNode msg = JSON.createObjectNode().put("id", ids.incrementAndGet()).put("method", "Browser.close");
            socket.sendText(msg.toString(), true).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // killed below
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        socket.abort();
        http.close();
    }

    /** Joins a message's frames, then hands answers to their callers and records page errors. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                String text = buf.toString();
                buf.setLength(0);
                try {
                    dispatch(JSON.readTree(text));
                } catch (IOException e) {
                    pageErrors.add("unreadable DevTools message: " + e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }

        private void dispatch(JsonNode msg) {
            if (msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.get(msg.get("id").asInt());
                if (f != null) {
                    f.complete(msg);
                }
                return;
            }
            String method = msg.path("method").asText();
            JsonNode params = msg.path("params");
            if (method.equals("Runtime.exceptionThrown")) {
                pageErrors.add("exception: " + params.path("exceptionDetails"));
            } else if (method.equals("Runtime.consoleAPICalled") && params.path("type").asText().equals("error")) {
                pageErrors.add("console.error: " + params.path("args"));
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            pending.values().forEach(f -> f.completeExceptionally(new IOException("DevTools closed: " + reason)));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}

package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jbert download} through picocli: JSON on stdout, progress on stderr, one-line errors with status 2. */
class DownloadCommandTest {
    @TempDir
    Path tmp;
    HttpServer server;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                String body = switch (path) {
                    case "/acme/m/resolve/main/config.json" -> "{\"model_type\": \"bert\"}";
                    case "/acme/m/resolve/main/vocab.txt" -> "[UNK]\nhello\n";
                    case "/acme/m/resolve/main/model.safetensors" -> "not really safetensors";
                    default -> null;
                };
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, bytes.length);
                ex.getResponseBody().write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(String... args) {
        CommandLine cl = Cli.commandLine(new DownloadCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void printsAJsonSummaryAndProgress() throws Exception {
        Path dir = tmp.resolve("m");
        assertEquals(0, run("acme/m", "--output", dir.toString(), "--endpoint", endpoint(), "--retries", "0"), err.toString());
        JsonNode summary = new ObjectMapper().readTree(out.toString());
        assertEquals("acme/m", summary.path("model").asText());
        assertEquals("main", summary.path("revision").asText());
        assertEquals(dir.toString(), summary.path("output").asText());
        assertEquals("config.json", summary.path("files").path(0).path("name").asText());
        assertEquals("downloaded", summary.path("files").path(0).path("status").asText());
        assertEquals("absent", summary.path("files").path(1).path("status").asText());
        assertEquals("not really safetensors", Files.readString(dir.resolve("model.safetensors")));
        assertTrue(err.toString().contains("tokenizer.json: not in this model (optional)"), err.toString());
    }

    @Test
    void aMissingModelIsOneLineAndStatus2() {
        int status = run("acme/missing", "--output", tmp.resolve("x").toString(), "--endpoint", endpoint());
        assertEquals(Cli.USER_ERROR, status);
        String e = err.toString().strip();
        assertEquals(1, e.lines().count(), e);
        assertEquals("jbert: " + endpoint() + "/acme/missing/resolve/main/config.json: HTTP 404: no such model or"
                + " revision, or the model has no config.json", e);
        assertEquals("", out.toString());
    }

    @Test
    void aBadModelIdIsAUserError() {
        assertEquals(Cli.USER_ERROR, run("../../etc/passwd", "--output", tmp.toString(), "--endpoint", endpoint()));
        assertTrue(err.toString().contains("is not of the form NAME or OWNER/NAME"), err.toString());
    }
}

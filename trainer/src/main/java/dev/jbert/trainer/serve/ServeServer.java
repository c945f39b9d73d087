package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code jbert serve}: the JDK's HTTP server in front of one {@link ModelWorker}.
 *
 * <pre>
 * GET  /            the demo page (index.html, serve.js, serve.css)
 * POST /predict     {"text": ...} | {"texts": [...]}  -> predict's output per text
 * POST /zero-shot   {"text", "labels", "template"?, "multi_label"?}  (NLI models; else 404)
 * GET  /health      {"status": "ok"}
 * GET  /info        model type, labels, problem type, max length, limits
 * </pre>
 *
 * Everything is bounded: request threads (the model queue's capacity and a few more, so a full
 * queue is answered with a quick 503 rather than by waiting for a thread), connections waiting for
 * a thread (beyond that the accepting thread runs the request itself, which slows accepting down),
 * body size, texts per request, characters per text, and the time a request waits for the model.
 */
public final class ServeServer implements AutoCloseable {
    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final ModelWorker worker;

    private ServeServer(HttpServer http, ThreadPoolExecutor executor, ModelWorker worker) {
        this.http = http;
        this.executor = executor;
        this.worker = worker;
    }

    /** Starts serving {@code model}. */
    public static ServeServer start(ServedModel model, ServeOptions options, PrintStream log) throws IOException {
        return start(model, model, options, log);
    }

    /** Starts serving, running batches with {@code runner} (tests put a gate in front of the model). */
    static ServeServer start(ServedModel model, BatchModel runner, ServeOptions options, PrintStream log)
            throws IOException {
        ModelWorker worker = new ModelWorker(runner, options.maxBatch(), options.queueCapacity());
        try {
            return start(model, worker, options, log);
        } catch (IOException | RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    private static ServeServer start(ServedModel model, ModelWorker worker, ServeOptions options, PrintStream log)
            throws IOException {
        ObjectNode ok = HttpReply.JSON.createObjectNode().put("status", "ok");
        Router router = new Router(log)
                .add("GET", "/", StaticFiles.of("index.html"))
                .add("GET", "/serve.js", StaticFiles.of("serve.js"))
                .add("GET", "/serve.css", StaticFiles.of("serve.css"))
                .add("POST", "/predict", new PredictHandler(model, worker, options))
                .add("POST", "/zero-shot", new ZeroShotHandler(model, worker, options))
                .add("GET", "/health", ex -> HttpReply.json(ex, 200, ok))
                .add("GET", "/info", new InfoHandler(model, options));
        int threads = Math.min(options.queueCapacity() + 4, 256);
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "jbert-serve-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4 * threads), tf, new ThreadPoolExecutor.CallerRunsPolicy());
        executor.allowCoreThreadTimeOut(true);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 128);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
        http.createContext("/", router);
        http.setExecutor(executor);
        http.start();
        return new ServeServer(http, executor, worker);
    }

    /** The port listened on (the one picked, when asked for port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://host:port/}. */
    public String url() {
        String host = http.getAddress().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + "/";
    }

    public WorkerStats stats() {
        return worker.stats();
    }

    /** Requests waiting for the model now. */
    public int queued() {
        return worker.queued();
    }

    /** Stops accepting, gives running requests up to a second, then stops the model worker. */
    @Override
    public void close() {
        http.stop(1);
        worker.close();
        executor.shutdownNow();
    }
}

package dev.jbert.trainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.cpu.Parallel;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.engine.testing.Shared;
import dev.jbert.trainer.model.ModelFolder;
import dev.jbert.trainer.train.ModelWriter;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load test on loopback: 8 clients, each sending {@code POST /predict} requests one after another
 * for 10 s; every request must succeed. Latency percentiles (p50, p90, p99) and throughput are
 * printed and written to the build folder as {@code serve-load.json}.
 *
 * <p>The model is the tiny random one (the server's own overhead, the batching and the queue) unless
 * {@code -Djbert.serve.loadModel=minilm} asks for all-MiniLM-L6-v2 from {@code ../shared} with a
 * new two-label head (a realistic model; skipped, saying so, when absent) or names a model folder.
 * Speed is recorded, never asserted.
 */
class ServeLoadTest {
    static final int CLIENTS = 8;
    static final Duration DURATION = Duration.ofSeconds(10);
    static final List<String> TEXTS = List.of(
            "An absolute delight from the first page to the last.",
            "The battery died after two days and support never answered.",
            "Not bad at all, I would happily stay here again.",
            "I wanted to like it, but the plot made no sense.",
            "good",
            "The acting was superb, the plot was dull and the ending was really poor; I would not watch it again,"
                    + " though the music was lovely and the visuals were brilliant from start to finish.",
            "Terrible service.",
            "the film was fun");

    @TempDir
    Path tmp;

    @Test
    @Timeout(120)
    void eightClientsForTenSecondsWithoutErrors() throws Exception {
        String which = System.getProperty("jbert.serve.loadModel", "tiny");
        Path model = switch (which) {
            case "tiny" -> ServeFixtures.sentimentModel(tmp);
            case "minilm" -> miniLmClassifier(Shared.require("models/all-MiniLM-L6-v2"), tmp.resolve("minilm"));
            default -> Path.of(which);
        };
        ServeOptions options = ServeOptions.defaults().withPort(0);
        AtomicLong errors = new AtomicLong();
        List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        long elapsed;
        WorkerStats stats;
        try (ServeServer server = ServeServer.start(ServeFixtures.load(model, options.maxBatch()), options, System.err)) {
            // warm up (JIT) with a few requests, outside the measurement
            HttpClient warm = ServeFixtures.client();
            for (int i = 0; i < 20; i++) {
                ServeFixtures.post(warm, server, "/predict", body(TEXTS.get(i % TEXTS.size())));
            }
            long start = System.nanoTime();
            long deadline = start + DURATION.toNanos();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                final int client = c;
                running.add(clients.submit(() -> {
                    HttpClient http = ServeFixtures.client();
                    for (int i = client; System.nanoTime() < deadline; i++) {
                        String text = TEXTS.get(i % TEXTS.size());
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> r = ServeFixtures.post(http, server, "/predict", body(text));
                            long t1 = System.nanoTime();
                            if (r.statusCode() == 200 && r.body().startsWith("{\"predictions\":[{\"label\"")) {
                                latencies.add(t1 - t0);
                            } else {
                                errors.incrementAndGet();
                                errorSamples.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            errorSamples.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(DURATION.toSeconds() + 60, TimeUnit.SECONDS);
            }
            elapsed = System.nanoTime() - start;
            stats = server.stats();
        } finally {
            clients.shutdownNow();
        }
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        ObjectNode report = ServeFixtures.JSON.createObjectNode();
        report.put("date", LocalDate.now().toString());
        report.put("model", which.equals("tiny") ? "tiny random BERT (hidden 16, 1 layer)"
                : which.equals("minilm") ? "all-MiniLM-L6-v2 + 2-label head" : which);
        report.put("clients", CLIENTS);
        report.put("duration_s", elapsed / 1e9);
        report.put("requests", sorted.size());
        report.put("errors", errors.get());
        report.put("throughput_rps", round(sorted.size() / (elapsed / 1e9)));
        ObjectNode ms = report.putObject("latency_ms");
        ms.put("p50", percentile(sorted, 50));
        ms.put("p90", percentile(sorted, 90));
        ms.put("p99", percentile(sorted, 99));
        ms.put("max", sorted.isEmpty() ? 0 : round(sorted.getLast() / 1e6));
        report.put("model_batches", stats.batches());
        report.put("mean_batch", stats.batches() == 0 ? 0 : round((double) stats.inputs() / stats.batches()));
        report.put("largest_batch", stats.largestBatch());
        report.put("cpu_threads", Parallel.threads());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        String name = switch (which) {
            case "tiny" -> "serve-load.json";
            case "minilm" -> "serve-load-minilm.json";
            default -> "serve-load-model.json";
        };
        Path file = ServeFixtures.buildDir().resolve(name);
        Files.writeString(file, ServeFixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
        System.out.println("serve load test: " + report + " -> " + file);

        assertEquals(0, errors.get(), "errors: " + errorSamples.subList(0, Math.min(5, errorSamples.size())));
        assertTrue(sorted.size() >= CLIENTS, "every client got answers: " + sorted.size());
    }

    private static String body(String text) {
        return ServeFixtures.JSON.createObjectNode().put("text", text).toString();
    }

    private static double percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());   // nearest rank
        return round(sorted.get(Math.max(0, rank - 1)) / 1e6);
    }

    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.2f", v));
    }

    /** all-MiniLM-L6-v2 with a new (seeded) two-label head, written as a fine-tuned model folder. */
    private static Path miniLmClassifier(Path base, Path dir) throws Exception {
        ModelFolder folder = ModelFolder.open(base);
        ModelConfig config = folder.config().withLabels(List.of("negative", "positive"))
                .withProblemType(ProblemType.SINGLE_LABEL_CLASSIFICATION);
        SequenceClassifier model = folder.loadClassifier(config, 42, null);
        Files.createDirectories(dir);
        ModelWriter.write(dir, model, config, folder.tokenizer());
        return dir;
    }
}

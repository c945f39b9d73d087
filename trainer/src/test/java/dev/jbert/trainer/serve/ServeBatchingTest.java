package dev.jbert.trainer.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model worker: requests queued together are run as one batch (up to max-batch inputs) and
 * each gets its own rows; the queue's bound refuses at once (503 with Retry-After over HTTP); a bad
 * input fails only its own request; and concurrent requests get the scores they get one by one.
 * A gate in front of the model holds the first batch so that what queues behind it is known.
 */
class ServeBatchingTest {
    @TempDir
    static Path tmp;
    static ServedModel model;
    static HttpClient http;

    /** Holds each model call until released; records the size of each batch. */
    static final class Gate implements BatchModel {
        final BatchModel inner;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<Integer> sizes = new CopyOnWriteArrayList<>();

        Gate(BatchModel inner) {
            this.inner = inner;
        }

        @Override
        public float[][] logits(List<TextInput> inputs) {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sizes.add(inputs.size());
            return inner.logits(inputs);
        }
    }

    /** A stand-in model: one row per input, {@code [text length, position in the batch]}; "boom" fails. */
    static float[][] lengths(List<TextInput> inputs) {
        float[][] out = new float[inputs.size()][];
        for (int i = 0; i < out.length; i++) {
            if (inputs.get(i).text().equals("boom")) {
                throw new IllegalArgumentException("boom");
            }
            out[i] = new float[] {inputs.get(i).text().length(), i};
        }
        return out;
    }

    @BeforeAll
    static void load() throws Exception {
        model = ServeFixtures.load(ServeFixtures.sentimentModel(tmp), 8);
        http = ServeFixtures.client();
    }

    @AfterAll
    static void done() {
        http.close();
    }

    @Test
    void queuedRequestsRunAsOneBatchUpToMaxBatch() throws Exception {
        Gate gate = new Gate(ServeBatchingTest::lengths);
        try (ModelWorker w = new ModelWorker(gate, 4, 8)) {
            CompletableFuture<float[][]> a = w.submit(inputs("a"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<float[][]> b = w.submit(inputs("bb"));
            CompletableFuture<float[][]> c = w.submit(inputs("ccc", "cccc"));
            CompletableFuture<float[][]> d = w.submit(inputs("ddddd", "dddddd"));
            gate.release.countDown();
            assertEquals(1, a.get(10, TimeUnit.SECONDS).length);
            float[][] rb = b.get(10, TimeUnit.SECONDS);
            float[][] rc = c.get(10, TimeUnit.SECONDS);
            float[][] rd = d.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(1, 3, 2), gate.sizes, "a alone; b and c together (3 <= 4); d (2 more would be 5)");
            assertEquals(2, rb[0][0]);
            assertEquals(0, rb[0][1], "b first in its batch");
            assertEquals(List.of(3f, 4f), List.of(rc[0][0], rc[1][0]), "c's own rows, in order");
            assertEquals(List.of(1f, 2f), List.of(rc[0][1], rc[1][1]), "c after b in the same batch");
            assertEquals(List.of(5f, 6f), List.of(rd[0][0], rd[1][0]));
            assertEquals(new WorkerStats(3, 6, 3, 0), w.stats());
        }
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        Gate gate = new Gate(ServeBatchingTest::lengths);
        try (ModelWorker w = new ModelWorker(gate, 1, 2)) {
            CompletableFuture<float[][]> running = w.submit(inputs("a"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<float[][]> q1 = w.submit(inputs("b"));
            CompletableFuture<float[][]> q2 = w.submit(inputs("c"));
            assertEquals(2, w.queued());
            QueueFullException e = assertThrows(QueueFullException.class, () -> w.submit(inputs("d")));
            assertTrue(e.getMessage().contains("queue is full (2 requests waiting)"), e.getMessage());
            assertThrows(QueueFullException.class, () -> w.submitTask(() -> 1));
            assertEquals(2, w.stats().refused());
            gate.release.countDown();
            for (CompletableFuture<float[][]> f : List.of(running, q1, q2)) {
                assertEquals(1, f.get(10, TimeUnit.SECONDS).length);
            }
            assertEquals(1, w.submit(inputs("e")).get(10, TimeUnit.SECONDS).length, "room again");
        }
    }

    @Test
    void aBadInputFailsOnlyItsOwnRequest() throws Exception {
        Gate gate = new Gate(ServeBatchingTest::lengths);
        try (ModelWorker w = new ModelWorker(gate, 8, 8)) {
            CompletableFuture<float[][]> first = w.submit(inputs("a"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            CompletableFuture<float[][]> good = w.submit(inputs("good"));
            CompletableFuture<float[][]> bad = w.submit(inputs("boom"));
            CompletableFuture<float[][]> after = w.submit(inputs("after!"));
            gate.release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertEquals(4, good.get(10, TimeUnit.SECONDS)[0][0]);
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            assertEquals(6, after.get(10, TimeUnit.SECONDS)[0][0]);
        }
    }

    @Test
    void aFullQueueGets503WithRetryAfter() throws Exception {
        Gate gate = new Gate(model);
        ServeOptions options = ServeFixtures.testOptions().withQueueCapacity(2);
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (ServeServer server = ServeServer.start(model, gate, options, null)) {
            List<Future<HttpResponse<String>>> held = new ArrayList<>();
            held.add(clients.submit(() -> ServeFixtures.post(http, server, "/predict", "{\"text\": \"good\"}")));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            held.add(clients.submit(() -> ServeFixtures.post(http, server, "/predict", "{\"text\": \"bad\"}")));
            held.add(clients.submit(() -> ServeFixtures.post(http, server, "/predict", "{\"texts\": [\"dull\"]}")));
            waitFor(() -> server.queued() == 2, "two requests queued");
            HttpResponse<String> refused = ServeFixtures.post(http, server, "/predict", "{\"text\": \"fun\"}");
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
            assertTrue(ServeFixtures.json(refused).get("error").asText().contains("queue is full"), refused.body());
            assertEquals(200, ServeFixtures.get(http, server, "/health").statusCode(), "health needs no model");
            gate.release.countDown();
            for (Future<HttpResponse<String>> f : held) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
            }
            assertEquals(200, ServeFixtures.post(http, server, "/predict", "{\"text\": \"fun\"}").statusCode());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void concurrentRequestsGetTheScoresTheyGetOneByOne() throws Exception {
        List<String> texts = List.of("good", "the film was awful", "a dull plot , really", "superb acting",
                "the story was quite boring and the ending was poor", "lovely", "the movie is fun", "bad . bad .");
        Gate gate = new Gate(model);
        ExecutorService clients = Executors.newFixedThreadPool(texts.size() + 1);
        Map<String, JsonNode> together = new HashMap<>();
        try (ServeServer server = ServeServer.start(model, gate, ServeFixtures.testOptions(), null)) {
            Future<HttpResponse<String>> first = clients.submit(() -> ServeFixtures.post(http, server, "/predict",
                    "{\"text\": \"the\"}"));
            assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (String t : texts) {
                answers.add(clients.submit(() -> ServeFixtures.post(http, server, "/predict",
                        ServeFixtures.JSON.createObjectNode().put("text", t).toString())));
            }
            waitFor(() -> server.queued() == texts.size(), "all requests queued behind the first");
            gate.release.countDown();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            for (int i = 0; i < texts.size(); i++) {
                HttpResponse<String> r = answers.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode(), r.body());
                together.put(texts.get(i), ServeFixtures.json(r).get("predictions"));
            }
            assertEquals(List.of(1, texts.size()), gate.sizes, "the queued requests ran as one batch");
        } finally {
            clients.shutdownNow();
        }
        // one by one, each alone in its batch (no padding)
        try (ServeServer server = ServeServer.start(model, ServeFixtures.testOptions(), null)) {
            for (String t : texts) {
                JsonNode alone = ServeFixtures.json(ServeFixtures.post(http, server, "/predict",
                        ServeFixtures.JSON.createObjectNode().put("text", t).toString())).get("predictions");
                assertSameScores(alone, together.get(t), t);
            }
            assertEquals(texts.size(), server.stats().batches());
        }
    }

    /** Same labels in the same order, scores equal but for float rounding (padding changes sums' order). */
    private static void assertSameScores(JsonNode expected, JsonNode actual, String text) {
        assertEquals(expected.size(), actual.size(), text);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).get("label"), actual.get(i).get("label"), text);
            assertEquals(expected.get(i).get("score").asDouble(), actual.get(i).get("score").asDouble(), 1e-6, text);
        }
    }

    private static List<TextInput> inputs(String... texts) {
        List<TextInput> out = new ArrayList<>();
        for (String t : texts) {
            out.add(TextInput.of(t));
        }
        return out;
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }
}

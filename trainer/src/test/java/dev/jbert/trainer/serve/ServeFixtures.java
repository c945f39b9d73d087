package dev.jbert.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.engine.backend.Backends;
import dev.jbert.engine.config.ModelConfig;
import dev.jbert.engine.config.ModelType;
import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.Initializer;
import dev.jbert.engine.nn.SequenceClassifier;
import dev.jbert.trainer.train.ModelWriter;
import dev.jbert.trainer.train.TrainFixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Models and HTTP helpers for the serve tests: tiny random classifiers made on the spot, with chosen
 * labels (single-label, multi-label, NLI), a client that talks to 127.0.0.1 only, and the build
 * folder for what the tests leave behind.
 */
final class ServeFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ServeFixtures() {
    }

    /** Options for tests: any free port on loopback, small limits that tests can reach. */
    static ServeOptions testOptions() {
        return ServeOptions.defaults().withPort(0).withMaxBatch(8).withMaxBodyBytes(4096).withMaxTextChars(600)
                .withQueueCapacity(16).withRequestTimeout(Duration.ofSeconds(30));
    }

    /** A random tiny single-label classifier with the labels neg and pos. */
    static Path sentimentModel(Path tmp) throws IOException {
        return randomClassifier(tmp.resolve("sentiment"), List.of("neg", "pos"), ProblemType.SINGLE_LABEL_CLASSIFICATION,
                11);
    }

    /** A random tiny BERT classifier with these labels (std 0.5: scores that differ from input to input). */
    static Path randomClassifier(Path dir, List<String> labels, ProblemType type, long seed) throws IOException {
        TrainFixtures.tinyModel(dir, ModelType.BERT, seed);
        ModelConfig base = ModelConfig.load(dir.resolve(ModelConfig.FILE_NAME));
        ModelConfig config = base.withLabels(labels).withProblemType(type)
                .withArchitectures(ModelWriter.architecture(base));
        SequenceClassifier model = new SequenceClassifier(config);
        Initializer.initialize(model.parameters(), 0.5, config.padTokenId(), seed);
        config.save(dir);
        ModelWriter.writeWeights(dir.resolve(ModelWriter.WEIGHTS), model.parameters());
        return dir;
    }

    static ServedModel load(Path dir, int maxBatch) {
        return ServedModel.load(dir, Backends.cpu(), maxBatch, null);
    }

    /** The client: HTTP/1.1 to loopback only. */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static HttpResponse<String> get(HttpClient c, ServeServer s, String path) throws IOException, InterruptedException {
        return send(c, HttpRequest.newBuilder(uri(s, path)).GET());
    }

    static HttpResponse<String> post(HttpClient c, ServeServer s, String path, String body)
            throws IOException, InterruptedException {
        return send(c, HttpRequest.newBuilder(uri(s, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> send(HttpClient c, HttpRequest.Builder b) throws IOException, InterruptedException {
        return c.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(ServeServer s, String path) {
        return URI.create("http://127.0.0.1:" + s.port() + path);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The module's build folder ({@code target}, or what {@code -Djbert.target} names): test-classes' parent. */
    static Path buildDir() {
        try {
            Path classes = Path.of(ServeFixtures.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = classes.getParent();
            Files.createDirectories(dir);
            return dir;
        } catch (Exception e) {
            return Path.of(System.getProperty("user.dir"), "target");
        }
    }
}

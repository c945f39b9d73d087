package dev.jbert.cli;

import dev.jbert.engine.cpu.Parallel;
import dev.jbert.trainer.serve.ByteSize;
import dev.jbert.trainer.serve.ServeOptions;
import dev.jbert.trainer.serve.ServeServer;
import dev.jbert.trainer.serve.ServedModel;
import dev.jbert.trainer.train.UserErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jbert serve}: a web page and a JSON API in front of a fine-tuned classifier (see
 * {@link ServeServer}), until stopped (Ctrl-C). Progress on stderr; the address it listens on is the
 * one line it prints on stdout.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a classifier: a demo page and a JSON API (POST /predict, POST /zero-shot,",
            "GET /health, GET /info). Stop it with Ctrl-C."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Fine-tuned Hugging Face model folder.")
    Path model;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Default: ${DEFAULT-VALUE} (0: any free port).")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = ServeOptions.DEFAULT_HOST,
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "32",
            description = "Texts per request, and per model batch, at most. Default: ${DEFAULT-VALUE}.")
    int maxBatch;

    @Option(names = "--max-body", paramLabel = "SIZE", defaultValue = "1MB",
            description = "Request body size at most (413 beyond). Default: ${DEFAULT-VALUE}.")
    String maxBody;

    @Option(names = "--max-text-chars", paramLabel = "N", defaultValue = "10000",
            description = "Characters per text at most (413 beyond). Default: ${DEFAULT-VALUE}.")
    int maxTextChars;

    @Option(names = "--queue", paramLabel = "N", defaultValue = "64",
            description = "Requests waiting for the model at most (503 beyond). Default: ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long a request waits for the model (503 after). Default: ${DEFAULT-VALUE}.")
    int timeout;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "The page marks a multi-label model's labels scoring at least T. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--example", paramLabel = "TEXT",
            description = "An example input the page offers (repeatable; default: four review sentences).")
    List<String> examples;

    @Mixin
    DeviceOptions device;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for the model (default: all cores).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        return UserErrors.call(this::run);
    }

    private int run() throws IOException, InterruptedException {
        if (timeout < 1) {
            throw new UserException("--timeout: expected a positive number of seconds, found " + timeout);
        }
        ServeOptions options;
        try {
            options = new ServeOptions(host, port, maxBatch, ByteSize.parse(maxBody, "--max-body"), maxTextChars, queue,
                    Duration.ofSeconds(timeout), threshold, examples == null ? ServeOptions.DEFAULT_EXAMPLES : examples);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (threads != null) {
            if (threads < 1) {
                throw new UserException("--threads: expected a positive number, found " + threads);
            }
            Parallel.setThreads(threads);
        }
        // a client that sends its request too slowly is cut off rather than holding a thread
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        ServedModel served = ServedModel.load(model, device.backend(), options.maxBatch(), System.err);
        ServeServer server = ServeServer.start(served, options, System.err);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("serve: stopping");
            server.close();
            stopped.countDown();
        }, "jbert-serve-stop"));
        System.err.println("serve: " + model + " (" + served.config().modelType().hfName() + ", labels "
                + served.config().labels() + (served.nli() ? ", zero-shot too" : "") + ") on " + server.url()
                + " ; Ctrl-C stops");
        System.out.println(server.url());
        System.out.flush();
        stopped.await();
        return 0;
    }
}

package dev.jbert.cli;

import dev.jbert.trainer.hub.DownloadProgress;
import dev.jbert.trainer.hub.DownloadResult;
import dev.jbert.trainer.hub.HubDownloader;
import dev.jbert.trainer.onnx.HfJson;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jbert download}: a model from the Hugging Face hub into a folder jbert can load. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a model from the Hugging Face hub: config.json, the tokenizer files and",
                "model.safetensors (or its shards). Partial files are resumed; sizes and sha256 are checked.",
                "Prints progress on stderr and a JSON summary on stdout."})
public final class DownloadCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_ID", description = "e.g. sentence-transformers/all-MiniLM-L6-v2")
    private String modelId;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The model folder to write.")
    private Path output;

    @Option(names = "--revision", defaultValue = "main", paramLabel = "REV",
            description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    private String revision;

    @Option(names = "--endpoint", defaultValue = "${env:HF_ENDPOINT:-" + HubDownloader.DEFAULT_ENDPOINT + "}",
            paramLabel = "URL", description = "The hub (default: $HF_ENDPOINT, else " + HubDownloader.DEFAULT_ENDPOINT + ").")
    private String endpoint;

    @Option(names = "--token", defaultValue = "${env:HF_TOKEN}", paramLabel = "TOKEN",
            description = "Access token for private or gated models (default: $HF_TOKEN).")
    private String token;

    @Option(names = "--retries", defaultValue = "3", paramLabel = "N",
            description = "Further attempts per file after a network failure, resuming (default: ${DEFAULT-VALUE}).")
    private int retries;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        DownloadResult result;
        try (HttpClient client = HubDownloader.newClient()) {
            HubDownloader downloader = new HubDownloader(client, token, new DownloadProgress(err), retries,
                    Duration.ofSeconds(1));
            result = downloader.download(endpoint, modelId, revision, output);
        }
        for (String warning : result.warnings()) {
            err.println("warning: " + warning);
        }
        err.flush();
        out.print(HfJson.toText(result.toJson()));
        out.flush();
        return 0;
    }
}
